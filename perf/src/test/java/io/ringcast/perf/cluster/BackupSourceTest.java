package io.ringcast.perf.cluster;

import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Done when 4 of the cluster issue across namespace hosts: a primary encoder (host enc) and a backup encoder (host
 * enc2, publishing {@code live/cam?backup}) on origin o1, viewers at edge e1 (which pulls by a {@code [[pull]]}
 * rule, so this runs without the directory). The primary is killed: viewers switch to the backup at its next
 * keyframe without a disconnect or a decode error; the primary returns: they switch back (killing the backup then
 * leaves them playing).
 */
@Tag("cluster")
@Timeout(240)
class BackupSourceTest {
    private static final String STREAM = "live/cam";
    /** switch_after_ms's default, plus a GOP to the backup's next keyframe, plus scheduling slack on 2 cores. */
    private static final long SWITCH_LIMIT_MS = 1_000 + 1_000 + 1_500;
    @RegisterExtension
    static final TopologyPerClass HOSTS = new TopologyPerClass(() -> Topology.in(Path.of("target", "cluster", "backup")
            .toAbsolutePath()).origins(1).edges(1).edgesPullFromOrigin1().start());

    private static Topology topology() {
        return HOSTS.get();
    }

    @Test
    void shouldSwitchToTheBackupWhenThePrimaryDiesAndBackWhenItReturns() throws Exception {
        Encoder primary = topology().encoder("primary", List.of(topology().origin(1).rtmpUrl(STREAM)));
        Await.until("o1 has " + STREAM, Duration.ofSeconds(30),
                () -> Http.answers(topology().origin(1).address(), "/api/streams/" + STREAM));
        Encoder backup = topology().encoder("backup", Topology.BACKUP_ENCODER,
                List.of(topology().origin(1).rtmpUrl(STREAM + "?backup")));
        long backupStartedNs = System.nanoTime();
        Await.until("the backup encoder runs 3 s or gives up", Duration.ofSeconds(10),
                () -> backup.logText().contains("exited") || System.nanoTime() - backupStartedNs
                        > TimeUnit.SECONDS.toNanos(3));
        assertFalse(backup.logText().contains("exited"), "o1 refused the ?backup publisher\n" + backup.logText());

        List<Watcher> viewers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            viewers.add(topology().watch(topology().edge(1), "/" + STREAM + ".flv"));
        }
        CompletableFuture<Decoder.Result> decoder = CompletableFuture.supplyAsync(
                () -> Decoder.decode(Topology.VIEWER, topology().edge(1).httpUrl("/" + STREAM + ".flv"), 30));
        Await.until("the viewers play", Duration.ofSeconds(30),
                () -> viewers.stream().allMatch(v -> v.videoTags() > 2 * Media.FPS));

        long killedNs = System.nanoTime();
        primary.kill9();
        Await.until("the viewers play the backup", Duration.ofSeconds(20), () -> viewers.stream()
                .allMatch(v -> v.videoTagsBetween(killedNs, System.nanoTime()) > 2 * Media.FPS));
        long toBackupEndNs = System.nanoTime();

        topology().encoder("primary-again", Topology.ENCODER, List.of(topology().origin(1).rtmpUrl(STREAM)));
        long returnedNs = System.nanoTime();
        Await.until("the primary has been back 5 s", Duration.ofSeconds(10),
                () -> System.nanoTime() - returnedNs > TimeUnit.SECONDS.toNanos(5));
        long backupKilledNs = System.nanoTime();
        backup.kill9();
        Await.until("the viewers play on 3 s after the backup died", Duration.ofSeconds(10),
                () -> System.nanoTime() - backupKilledNs > TimeUnit.SECONDS.toNanos(3));
        long endNs = System.nanoTime();

        long[] toBackup = new long[viewers.size()];
        long[] afterBackupDied = new long[viewers.size()];
        for (int i = 0; i < viewers.size(); i++) {
            toBackup[i] = viewers.get(i).longestGapMs(killedNs, toBackupEndNs);
            afterBackupDied[i] = viewers.get(i).longestGapMs(backupKilledNs, endNs);
        }
        Decoder.Result decoded = decoder.get(60, TimeUnit.SECONDS);
        System.out.println("cluster backup: gap when the primary died " + Percentiles.summary(toBackup)
                + "; gap when the backup died after the primary returned " + Percentiles.summary(afterBackupDied)
                + "; ffmpeg across the switches: " + decoded);
        for (int i = 0; i < viewers.size(); i++) {
            Watcher viewer = viewers.get(i);
            assertTrue(!viewer.ended(), "viewer " + i + " was disconnected: " + viewer);
            assertEquals(0, viewer.timestampRegressions(), viewer.toString());
            assertTrue(toBackup[i] <= SWITCH_LIMIT_MS, "viewer " + i + " waited " + toBackup[i] + " ms for the backup");
            assertTrue(afterBackupDied[i] < 1_000, "viewer " + i + " was still on the backup: it stalled "
                    + afterBackupDied[i] + " ms when the backup died");
        }
        assertEquals(0, decoded.exitCode(), decoded.toString());
        assertTrue(decoded.errors().isBlank(), decoded.toString());
    }
}
