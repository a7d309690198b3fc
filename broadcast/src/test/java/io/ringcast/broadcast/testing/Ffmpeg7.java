package io.ringcast.broadcast.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * ffmpeg and ffprobe 7.1 for tests: Debian's ffmpeg 5.1 ({@link Ffmpeg}) neither muxes nor demuxes Enhanced RTMP
 * (HEVC, AV1, VP9 in FLV). They come from Maven Central inside {@code org.bytedeco:ffmpeg:7.1.1-1.5.12:jar:
 * linux-x86_64} (a test dependency of broadcast and web: the executables and their shared libraries), unpacked once
 * per machine into {@code java.io.tmpdir/ringcast-ffmpeg-7.1.1-1.5.12/} and run with {@code LD_LIBRARY_PATH} set to
 * that folder. A test that needs them and cannot have them (no jar, not Linux x86-64) is skipped, never passed.
 *
 * <p>Test media: HEVC is made with Debian's ffmpeg (libx265; 7.1 here has no software HEVC encoder) into MP4, AV1
 * with 7.1's libsvtav1; both are published with 7.1 {@code -c copy -f flv}.
 */
public final class Ffmpeg7 {
    /** The artifact version, also in the poms. */
    public static final String VERSION = "7.1.1-1.5.12";
    private static final String JAR_FOLDER = "org/bytedeco/ffmpeg/linux-x86_64/";
    private static final Path HOME = Path.of(System.getProperty("java.io.tmpdir"), "ringcast-ffmpeg-" + VERSION);
    private static final Path JAR_IN_LOCAL_REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository",
            "org", "bytedeco", "ffmpeg", VERSION, "ffmpeg-" + VERSION + "-linux-x86_64.jar");
    private static final int ENCODE_TIMEOUT_S = 120;

    private static Path home;
    private static String unavailable;

    private Ffmpeg7() {
    }

    /** Skips the calling test when ffmpeg 7.1 cannot be unpacked and run here. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(folder() != null, () -> "ffmpeg 7.1 unavailable: " + unavailable);
    }

    /** The ffmpeg 7.1 executable (call {@link #assumeAvailable()} first). */
    public static Path ffmpeg() {
        return folder().resolve("ffmpeg");
    }

    /** The ffprobe 7.1 executable (call {@link #assumeAvailable()} first). */
    public static Path ffprobe() {
        return folder().resolve("ffprobe");
    }

    /** Starts ffmpeg 7.1 with {@code args} (everything after the executable), its output in a log file. */
    public static Ffmpeg.FfmpegProcess start(List<String> args, String name) throws IOException {
        return startTool(ffmpeg(), args, name);
    }

    /** ffprobe 7.1's view of a URL or file, as {@link Ffmpeg#probe} gives Debian's. */
    public static Ffmpeg.Probe probe(String url, int timeoutSeconds) throws IOException, InterruptedException {
        Ffmpeg.FfmpegProcess p = startTool(ffprobe(), List.of("-hide_banner", "-v", "error", "-rw_timeout",
                "5000000", "-show_streams", "-of", "flat", url), "ffprobe7");
        if (!p.process().waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.process().destroyForcibly();
            throw new AssertionError("ffprobe 7.1 did not finish within " + timeoutSeconds + " s: " + p.output());
        }
        return new Ffmpeg.Probe(p.output(), p.process().exitValue());
    }

    /**
     * Decodes {@code seconds} of a URL with ffmpeg 7.1 to {@code -f framecrc}, errors only: read the result with
     * {@link Ffmpeg.FfmpegProcess#decodedFramesPerStream()} after it exits.
     */
    public static Ffmpeg.FfmpegProcess decode(String url, double seconds) throws IOException {
        return start(List.of("-hide_banner", "-nostats", "-v", "error", "-rw_timeout", "5000000", "-i", url,
                "-t", String.valueOf(seconds), "-f", "framecrc", "-"), "ffmpeg7-decode");
    }

    /**
     * Publish arguments: ffmpeg 7.1 sends a media file in real time as Enhanced FLV ({@code -c copy -f flv}).
     */
    public static List<String> publishArgs(Path media, String url) {
        return List.of("-hide_banner", "-nostats", "-loglevel", "error", "-re", "-i", media.toString(),
                "-c", "copy", "-f", "flv", url);
    }

    /**
     * Publish arguments that loop a media file for {@code seconds} in real time (timestamps keep rising across the
     * loops), so a short file serves a long play.
     */
    public static List<String> publishLoopArgs(Path media, String url, double seconds) {
        return List.of("-hide_banner", "-nostats", "-loglevel", "error", "-re", "-stream_loop", "-1",
                "-i", media.toString(), "-t", String.valueOf(seconds), "-c", "copy", "-f", "flv", url);
    }

    /**
     * An MP4 of testsrc2 and a sine tone: HEVC (Debian's ffmpeg, libx265, ultrafast, a keyframe every second, VUI
     * timing info) and AAC; made once per folder, size, rate and length.
     */
    public static Path hevcMp4(Path folder, String size, int fps, int seconds) throws IOException,
            InterruptedException {
        Ffmpeg.assumeInstalled();
        Path out = folder.resolve("hevc-" + size + "-" + fps + "fps-" + seconds + "s.mp4");
        if (!Files.exists(out)) {
            encode(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps,
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(seconds),
                    "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-tag:v", "hvc1",
                    "-x265-params", "keyint=" + fps + ":min-keyint=" + fps + ":scenecut=0:log-level=error",
                    "-c:a", "aac", "-b:a", "64k", "-ac", "2"), out);
        }
        return out;
    }

    /**
     * An MP4 of testsrc2 and a sine tone: AV1 (ffmpeg 7.1's libsvtav1, fastest preset, a keyframe every second)
     * and AAC; made once per folder, size, rate and length.
     */
    public static Path av1Mp4(Path folder, String size, int fps, int seconds) throws IOException,
            InterruptedException {
        assumeAvailable();
        Path out = folder.resolve("av1-" + size + "-" + fps + "fps-" + seconds + "s.mp4");
        if (!Files.exists(out)) {
            List<String> command = new ArrayList<>(List.of(ffmpeg().toString(), "-hide_banner", "-nostats",
                    "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps,
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(seconds),
                    "-c:v", "libsvtav1", "-preset", "12", "-g", String.valueOf(fps), "-pix_fmt", "yuv420p",
                    "-svtav1-params", "lp=1", "-c:a", "aac", "-b:a", "64k", "-ac", "2"));
            encode(command, out);
        }
        return out;
    }

    private static void encode(List<String> commandWithoutOutput, Path out) throws IOException,
            InterruptedException {
        Path partial = out.resolveSibling(out.getFileName() + ".partial.mp4");
        List<String> command = new ArrayList<>(commandWithoutOutput);
        command.add(partial.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LD_LIBRARY_PATH", folder() == null ? "" : folder().toString());
        Path log = Files.createTempFile("ringcast-encode-", ".log");
        log.toFile().deleteOnExit();
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(ENCODE_TIMEOUT_S, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError("encoding " + out + " failed: " + String.join(" ", command) + "\n"
                    + Files.readString(log));
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Ffmpeg.FfmpegProcess startTool(Path tool, List<String> args, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(args);
        Path log = Files.createTempFile("ringcast-" + name + "-", ".log");
        log.toFile().deleteOnExit();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("LD_LIBRARY_PATH", folder().toString());
        return new Ffmpeg.FfmpegProcess(builder.start(), log, String.join(" ", command));
    }

    /** The unpacked folder, or null (with the reason in {@link #unavailable}) when it cannot be had. */
    private static synchronized Path folder() {
        if (home != null || unavailable != null) {
            return home;
        }
        if (!"Linux".equals(System.getProperty("os.name"))
                || !"amd64".equals(System.getProperty("os.arch"))) {
            unavailable = "the jar holds Linux x86-64 executables";
            return null;
        }
        try {
            if (!Files.isExecutable(HOME.resolve("ffprobe"))) {
                unpack(jar());
            }
            home = HOME;
        } catch (IOException e) {
            unavailable = e.toString();
        }
        return home;
    }

    private static Path jar() throws IOException {
        URL url = Ffmpeg7.class.getClassLoader().getResource(JAR_FOLDER + "ffprobe");
        if (url != null && url.openConnection() instanceof JarURLConnection connection) {
            return Path.of(connection.getJarFileURL().getPath());
        }
        if (Files.exists(JAR_IN_LOCAL_REPOSITORY)) {
            return JAR_IN_LOCAL_REPOSITORY;
        }
        throw new IOException("org.bytedeco:ffmpeg:" + VERSION + ":linux-x86_64 neither on the test class path nor in "
                + JAR_IN_LOCAL_REPOSITORY);
    }

    /** Unpacks the executables and libraries (not the JNI bindings) next to HOME, then renames into place. */
    private static void unpack(Path jar) throws IOException {
        Files.createDirectories(HOME.getParent());
        Path staging = Files.createTempDirectory(HOME.getParent(), "ringcast-ffmpeg-unpack-");
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith(JAR_FOLDER) || name.contains("libjni")) {
                    continue;
                }
                Path target = staging.resolve(name.substring(JAR_FOLDER.length()));
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                if (!target.toFile().setExecutable(true)) {
                    throw new IOException("cannot make " + target + " executable");
                }
            }
        }
        try {
            Files.move(staging, HOME, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException
                raced) {
            deleteTree(staging); // another JVM unpacked it meanwhile, or a broken folder is in the way
            if (!Files.isExecutable(HOME.resolve("ffprobe"))) {
                throw new IOException("cannot unpack ffmpeg 7.1 into " + HOME, raced);
            }
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (var paths = Files.walk(folder)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
