package io.ringcast.perf.architecture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every package of main code, in every module, has a package-info.java whose javadoc comes before the package line
 * (its first sentence says what lives there). Walks the source folders: javac writes no package-info class for a
 * package without annotations, so the class files cannot tell.
 */
@Timeout(30)
class PackageInfoArchitectureTest {
    private static final List<String> MODULES = List.of("broadcast", "ingest", "web", "ops", "perf");
    /** A javadoc comment with some text, then the package declaration. */
    private static final Pattern DOCUMENTED = Pattern.compile("(?s)/\\*\\*\\s*\\S.*?\\*/\\s*package\\s+[\\w.]+;.*");

    @Test
    void shouldDocumentEveryPackageOfMainCodeInItsPackageInfo() throws IOException {
        Path root = repositoryRoot();
        List<String> packages = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> undocumented = new ArrayList<>();
        for (String module : MODULES) {
            Path sources = root.resolve(module).resolve("src/main/java");
            try (Stream<Path> folders = Files.walk(sources)) {
                for (Path folder : folders.filter(Files::isDirectory).filter(PackageInfoArchitectureTest::hasJava)
                        .toList()) {
                    String name = module + ": " + sources.relativize(folder).toString().replace('/', '.');
                    packages.add(name);
                    Path info = folder.resolve("package-info.java");
                    if (!Files.exists(info)) {
                        missing.add(name);
                    } else if (!DOCUMENTED.matcher(Files.readString(info, StandardCharsets.UTF_8)).matches()) {
                        undocumented.add(name);
                    }
                }
            }
        }
        assertTrue(packages.size() >= 39, "packages found in main code: " + packages);
        assertEquals(List.of(), missing, "packages without package-info.java");
        assertEquals(List.of(), undocumented, "package-info.java without a javadoc before the package line");
    }

    private static boolean hasJava(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: the tests run in perf's folder, beside the other modules. */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("broadcast/src/main/java"))) {
                return p;
            }
        }
        throw new IllegalStateException("no ringcast repository above " + here);
    }
}
