package io.ringcast.broadcast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary folders a test helper owns (JUnit's {@code @TempDir} where a test has no such field); any thread. */
public final class TempFolders {
    private TempFolders() {
    }

    /** A new empty folder below {@code java.io.tmpdir}, named {@code prefix...}. */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
    }

    /** Deletes {@code folder} and all below it; a file that cannot be deleted is left (the test's result stands). */
    public static void delete(Path folder) {
        if (folder == null || !Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left for the OS's temp cleaner
        }
    }
}
