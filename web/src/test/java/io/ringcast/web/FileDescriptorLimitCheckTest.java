package io.ringcast.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The startup check of the fd limit against the connection limits: the numbers it warns with, and when. */
@Timeout(10)
class FileDescriptorLimitCheckTest {
    @Test
    void shouldWarnWithTheNumbersWhenTheLimitCannotServeTheConnectionLimits() {
        Optional<String> warning = FileDescriptorLimitCheck.warning(20_000, 120, 20_000, 1_032,
                Optional.of("soft 20000, hard 20000"));

        assertTrue(warning.isPresent());
        long needed = 120 + 20_000 + 1_032 + FileDescriptorLimitCheck.MARGIN_FDS;
        assertEquals("file descriptor limit 20000 (soft 20000, hard 20000) is below the " + needed
                + " the configured connection limits may need: 20000 for [http] max_connections = 20000, 1032 for "
                + "RTMP ([rtmp] max_connections, one each), 120 open at startup, 256 for files; at the limit new "
                + "connections wait unaccepted. Raise it to at least " + needed + " (ulimit -n, systemd LimitNOFILE=, "
                + "docker --ulimit nofile=; the JVM already raised the soft limit to the hard one unless started "
                + "with -XX:-MaxFDLimit), or lower max_connections", warning.get());
    }

    @Test
    void shouldStayQuietWhenTheLimitHasRoomForEveryConnectionAndTheMargin() {
        long exactly = 120 + 20_000 + 1_032 + FileDescriptorLimitCheck.MARGIN_FDS;
        assertEquals(Optional.empty(), FileDescriptorLimitCheck.warning(exactly, 120, 20_000, 1_032,
                Optional.empty()));
        assertTrue(FileDescriptorLimitCheck.warning(exactly - 1, 120, 20_000, 1_032, Optional.empty()).isPresent());
    }
}
