package io.ringcast.web.war;

import io.ringcast.broadcast.testing.Ffmpeg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ringcast.war in Apache Tomcat 10.1 (distribution from Maven Central, unpacked by the build). */
@Timeout(240)
class TomcatWarIT {
    /** What Tomcat's leak detection logs when a web application leaves threads, ThreadLocals or timers behind. */
    private static final List<String> LEAK_WARNINGS = List.of("appears to have started a thread named",
            "failed to stop it", "memory leak", "created a ThreadLocal", "SEVERE");

    private TomcatProcess tomcat;

    @AfterEach
    void stop() throws InterruptedException {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void shouldStreamThroughTomcatAndLeaveNothingBehindOnUndeploy() throws Exception {
        Ffmpeg.assumeInstalled();
        tomcat = new TomcatProcess(Path.of(System.getProperty("ringcast.tomcat.home")),
                Path.of(System.getProperty("ringcast.containers", "target/containers"), "tomcat-base"));

        new WarDeploymentScenario(tomcat).run();

        String logs = tomcat.logs();
        List<String> leaks = logs.lines().filter(l -> LEAK_WARNINGS.stream().anyMatch(l::contains)).toList();
        assertEquals(List.of(), leaks, "Tomcat's leak detection on undeploy:\n" + logs);
    }
}
