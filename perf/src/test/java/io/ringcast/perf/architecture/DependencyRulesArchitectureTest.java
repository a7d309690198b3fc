package io.ringcast.perf.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import io.ringcast.broadcast.time.SystemNanoClock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dependency rules of the modules and packages (README "How it works"), checked on the main code of every
 * module: perf depends on all of them, so its test class path holds them all. A rule about a package that does not
 * exist yet passes on an empty selection ({@code allowEmptyShould}) and starts checking once the package appears.
 */
@Timeout(60)
class DependencyRulesArchitectureTest {
    /** Types of every network protocol, servlet container and the web/ops layers, which the engine must not see. */
    private static final String[] PROTOCOLS_AND_CONTAINERS = {
        "io.ringcast.ingest..", "io.ringcast.web..", "io.ringcast.ops..",
        "jakarta.servlet..", "io.undertow..", "org.xnio..",
    };

    private static JavaClasses main;

    @BeforeAll
    static void importMainCode() {
        main = new ClassFileImporter().withImportOption(new MainCodeOnly()).importPackages("io.ringcast");
    }

    @Test
    void shouldImportTheMainCodeOfEveryModule() {
        Map<String, Integer> perModule = new TreeMap<>();
        main.forEach(c -> perModule.merge(c.getPackageName().split("\\.")[2], 1, Integer::sum));
        for (String module : List.of("broadcast", "ingest", "web", "ops", "perf")) {
            assertTrue(perModule.getOrDefault(module, 0) > 0, "classes of " + module + " imported: " + perModule);
        }
        List<String> fromTests = main.stream().map(c -> c.getSource().map(s -> s.getUri().toString()).orElse("?"))
                .filter(uri -> uri.contains("/test-classes/") || uri.contains("-tests.jar")).toList();
        assertEquals(List.of(), fromTests, "classes imported from tests (main code only)");
        assertTrue(main.contain("io.ringcast.broadcast.Engine"), "the engine imported");
    }

    @Test
    void shouldKeepTheEngineAndItsMediaPackageFreeOfProtocolsAndContainers() {
        check(noClasses().that().resideInAPackage("io.ringcast.broadcast..")
                .should().dependOnClassesThat().resideInAnyPackage(PROTOCOLS_AND_CONTAINERS)
                .because("the engine (and its media formats) knows no network protocol, servlet or container"));
    }

    @Test
    void shouldKeepTheMediaPackageFreeOfEveryOtherRingcastPackage() {
        check(classes().that().resideInAPackage("io.ringcast.broadcast.media..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.ringcast..")
                        .or(resideInAPackage("io.ringcast.broadcast.media..")))
                .because("media formats live below every protocol and the engine itself")
                .allowEmptyShould(true));
    }

    @Test
    void shouldKeepIngestFreeOfTheWebAndOperatorTooling() {
        check(noClasses().that().resideInAPackage("io.ringcast.ingest..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ringcast.web..", "io.ringcast.ops..",
                        "jakarta.servlet..", "io.undertow..")
                .because("ingest owns RTMP and knows nothing of the web"));
    }

    @Test
    void shouldKeepOpsFreeOfTheWebAndOfIngestBeyondTheCluster() {
        check(noClasses().that().resideInAPackage("io.ringcast.ops..")
                .should().dependOnClassesThat(resideInAnyPackage("io.ringcast.web..", "jakarta.servlet..",
                        "io.undertow..", "org.xnio..")
                        .or(resideInAPackage("io.ringcast.ingest..")
                                .and(resideOutsideOfPackage("io.ringcast.ingest.cluster..")))
                        .as("are web, servlet or container classes, or ingest classes outside "
                                + "io.ringcast.ingest.cluster"))
                .because("ops writes and reads the latency logs on the engine; its only other tie is the one-shot "
                        + "import of a keys file into the cluster's Redis (import-keys), which writes through "
                        + "io.ringcast.ingest.cluster.RedisRoomKeys so the import and the nodes share one layout"));
    }

    @Test
    void shouldReadTheTimeInTheEngineAndIngestOnlyThroughTheEngineClocks() {
        check(noClasses().that().resideInAnyPackage("io.ringcast.broadcast..", "io.ringcast.ingest..")
                .and().doNotHaveFullyQualifiedName(SystemNanoClock.class.getName())
                .should().callMethod(System.class, "nanoTime")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Instant.class, "now")
                .because("every timing rule reads the engine's injected clocks, so tests step a manual clock "
                        + "instead of sleeping"));
    }

    @Test
    void shouldLetNothingDependOnPerf() {
        check(noClasses().that().resideOutsideOfPackage("io.ringcast.perf..")
                .should().dependOnClassesThat().resideInAPackage("io.ringcast.perf..")
                .because("perf measures everything and nothing ships with it"));
    }

    @Test
    void shouldHaveNoPackageCyclesWithinAModule() {
        // Two cycles exist today; one edge of each is left out so that the rule guards against new ones:
        // broadcast.latency -> broadcast.stream (LatencyIntervalListener.onInterval takes a StreamPath) ->
        // broadcast.latency (a Stream holds its LatencyStats per protocol); ingest.command -> ingest.server
        // (CommandHandler answers through RtmpMessageWriter) -> ingest.command (RtmpConnection wires CommandHandler),
        // also through ingest.publish (MediaIngest is the command handler's PublishTarget).
        check(slices().matching("io.ringcast.(*).(*)..").should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("io.ringcast.broadcast.latency.."),
                        resideInAPackage("io.ringcast.broadcast.stream.."))
                .ignoreDependency(resideInAPackage("io.ringcast.ingest.command.."),
                        resideInAPackage("io.ringcast.ingest.server..")));
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }

    /** Main code only: no test-classes folder and no test jar (perf's tests see ingest's test jar). */
    private static final class MainCodeOnly implements ImportOption {
        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");

        @Override
        public boolean includes(Location location) {
            return !location.contains("/test-classes/") && !location.matches(TEST_JAR);
        }
    }
}
