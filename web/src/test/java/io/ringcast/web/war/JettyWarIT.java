package io.ringcast.web.war;

import io.ringcast.broadcast.testing.Ffmpeg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;

/** ringcast.war in Eclipse Jetty 12, ee10 environment (jetty-home from Maven Central, unpacked by the build). */
@Timeout(240)
class JettyWarIT {
    private JettyProcess jetty;

    @AfterEach
    void stop() throws InterruptedException {
        if (jetty != null) {
            jetty.close();
        }
    }

    @Test
    void shouldStreamThroughJettyAndLeaveNothingBehindOnUndeploy() throws Exception {
        Ffmpeg.assumeInstalled();
        jetty = new JettyProcess(Path.of(System.getProperty("ringcast.jetty.home")),
                Path.of(System.getProperty("ringcast.containers", "target/containers"), "jetty-base"));

        new WarDeploymentScenario(jetty).run();
    }
}
