package io.ringcast.web.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Where the player libraries are served: WebJar-style paths under {@code webjars/}, relative to the context root,
 * with the versions the build packed (filtered into {@code player-libraries.properties} from the root pom).
 *
 * @param mpegtsVersion the mpegts.js version
 * @param hlsjsVersion  the hls.js version
 */
public record PlayerLibraries(String mpegtsVersion, String hlsjsVersion) {
    static final String RESOURCE = "io/ringcast/web/page/player-libraries.properties";

    public PlayerLibraries {
        requireVersion("mpegts.version", mpegtsVersion);
        requireVersion("hlsjs.version", hlsjsVersion);
    }

    /** The versions this jar was built with. */
    public static PlayerLibraries packaged() {
        Properties p = new Properties();
        try (InputStream in = PlayerLibraries.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
        return new PlayerLibraries(p.getProperty("mpegts.version"), p.getProperty("hlsjs.version"));
    }

    /** mpegts.js, relative to the context root. */
    public String mpegtsScript() {
        return "webjars/mpegts.js/" + mpegtsVersion + "/dist/mpegts.js";
    }

    /** hls.js (minified UMD build), relative to the context root. */
    public String hlsjsScript() {
        return "webjars/hls.js/" + hlsjsVersion + "/dist/hls.min.js";
    }

    private static void requireVersion(String key, String version) {
        if (version == null || !version.matches("\\d+\\.\\d+\\.\\d+")) {
            throw new IllegalStateException(RESOURCE + ": " + key + " must be a plain x.y.z version, found "
                    + version + " (was the resource filtered by Maven?)");
        }
    }
}
