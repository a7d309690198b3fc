package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.LiveThreads;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An egress thread without subscriptions sleeps until one is added (Thread.State WAITING: no timer), so an idle
 * server's fan-out threads make no wake-ups; with a subscription it keeps its lag-check timer (TIMED_WAITING), and
 * once the last one has gone it sleeps without a timer again. The first subscription after the sleep is served.
 */
@Timeout(20)
class FanoutWorkerIdleTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final String name = "idle-fanout-" + System.nanoTime();
    private FanoutWorker worker;

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            worker.stop(2_000);
        }
    }

    @Test
    void shouldSleepWithoutATimerWhileItHasNoSubscription() throws InterruptedException {
        worker = new FanoutWorker(name, NanoClock.SYSTEM);
        worker.start();
        Thread thread = LiveThreads.named(name);
        Await.until("the idle worker parks without a timeout", WAIT,
                () -> thread.getState() == Thread.State.WAITING, () -> "state " + thread.getState());

        StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM);
        StreamPublisher publisher = registry.publish(StreamPath.parse("live/idle"), new PublisherInfo("t", "a", 0),
                false);
        publisher.updateFormat(new TrackFormat(Codec.AVC, new byte[]{0x17, 0, 0, 0, 0, 1}, 5, 64, 48, 0, 0));
        RecordingSink sink = new RecordingSink();
        Subscription subscription = new Subscription(publisher.stream(), "idle", sink, RingConfig.DEFAULTS);
        assertTrue(worker.add(subscription));
        Await.until("the subscription is taken and the worker parks with its lag-check timer", WAIT,
                () -> worker.subscriptionCount() == 1 && thread.getState() == Thread.State.TIMED_WAITING,
                () -> "state " + thread.getState());

        subscription.requestClose(CloseReason.VIEWER_LEFT);
        Await.until("the closed subscription is dropped and the worker parks without a timeout again", WAIT,
                () -> worker.subscriptionCount() == 0 && thread.getState() == Thread.State.WAITING,
                () -> "state " + thread.getState());

        worker.stop(2_000);
        thread.join(2_000);
        assertFalse(thread.isAlive(), "stop wakes the sleeping worker and it ends");
        publisher.close();
    }
}
