package io.ringcast.web.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The versions in the root pom (filtered into player-libraries.properties), in src/main/player/package.json and in
 * the packed libraries agree, so the page's script URLs name files that exist.
 */
class PlayerLibrariesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldPackTheLibraryVersionsThePomNames() throws IOException {
        PlayerLibraries libs = PlayerLibraries.packaged();

        assertEquals(libs.mpegtsVersion(), packedVersion("mpegts.js", libs.mpegtsVersion()));
        assertEquals(libs.hlsjsVersion(), packedVersion("hls.js", libs.hlsjsVersion()));
        assertNotNull(resource(libs.mpegtsScript()), libs.mpegtsScript());
        assertNotNull(resource(libs.hlsjsScript()), libs.hlsjsScript());
    }

    @Test
    void shouldPinTheSameExactVersionsInPackageJson() throws IOException {
        PlayerLibraries libs = PlayerLibraries.packaged();
        JsonNode deps = JSON.readTree(Files.readString(Path.of("src/main/player/package.json"))).get("dependencies");

        assertEquals(libs.mpegtsVersion(), deps.get("mpegts.js").asText(), "mpegts.version in the root pom");
        assertEquals(libs.hlsjsVersion(), deps.get("hls.js").asText(), "hlsjs.version in the root pom");
    }

    @Test
    void shouldBuildWebJarStyleScriptPathsRelativeToTheContextRoot() {
        PlayerLibraries libs = new PlayerLibraries("1.2.3", "4.5.6");

        assertEquals("webjars/mpegts.js/1.2.3/dist/mpegts.js", libs.mpegtsScript());
        assertEquals("webjars/hls.js/4.5.6/dist/hls.min.js", libs.hlsjsScript());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new PlayerLibraries("${mpegts.version}", "1.0.0")).getMessage().contains("mpegts.version"));
    }

    private static String packedVersion(String name, String version) throws IOException {
        try (InputStream in = resource("webjars/" + name + "/" + version + "/package.json")) {
            assertNotNull(in, name + " " + version + " is not packed");
            return JSON.readTree(in).get("version").asText();
        }
    }

    private static InputStream resource(String path) {
        return PlayerLibrariesTest.class.getClassLoader().getResourceAsStream("META-INF/resources/" + path);
    }
}
