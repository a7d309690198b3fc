package io.ringcast.perf.hostile;

import io.ringcast.ingest.testing.RawRtmpClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream flood from one source address: connect, publish a new stream name, close, with no media, repeated up
 * to a count or a deadline (issue 11 finding 5). Counts the server's answers by status code: the publish's
 * onStatus, or the refusal of connect or createStream. One
 * instance per loop thread; counters readable from any thread.
 */
final class StreamFlood implements Runnable {
    private static final long ANSWER_MS = 5_000;

    private final String sourceAddress;
    private final int rtmpPort;
    private final String namePrefix;
    private final int count;
    private final long deadlineNs;
    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();

    StreamFlood(String sourceAddress, int rtmpPort, String namePrefix, int count, long durationMs) {
        this.sourceAddress = sourceAddress;
        this.rtmpPort = rtmpPort;
        this.namePrefix = namePrefix;
        this.count = count;
        this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
    }

    @Override
    public void run() {
        for (int i = 0; i < count && System.nanoTime() < deadlineNs && !Thread.currentThread().isInterrupted(); i++) {
            String answer;
            try (RawRtmpClient client = new RawRtmpClient(rtmpPort, 0, sourceAddress)) {
                answer = publishAnswer(client, namePrefix + i);
            } catch (IOException | RuntimeException e) {
                answer = e.getClass().getSimpleName();
            }
            answers.computeIfAbsent(String.valueOf(answer), k -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * connect, createStream, publish; returns the status code of the first refusal ({@code _error} of connect or
     * createStream, or the publish's onStatus), or of the publish's answer.
     */
    private static String publishAnswer(RawRtmpClient client, String name) throws IOException {
        RawRtmpClient.Message connected = client.connectAnswer("live");
        if (!"_result".equals(connected.amf().get(0))) {
            return connected.statusCode();
        }
        client.command(0, "createStream", (Object) null);
        RawRtmpClient.Message created = client.awaitMessage(m -> m.amf() != null && !m.amf().isEmpty()
                && ("_result".equals(m.amf().get(0)) || "_error".equals(m.amf().get(0))), ANSWER_MS);
        if (!"_result".equals(created.amf().get(0))) {
            return String.valueOf(created.statusCode());
        }
        int streamId = ((Double) created.amf().get(3)).intValue();
        client.command(streamId, "publish", null, name, "live");
        return client.awaitMessage(m -> m.statusCode() != null, ANSWER_MS).statusCode();
    }

    /** Answers by status code (or exception name when there was none). */
    Map<String, Long> answers() {
        Map<String, Long> m = new java.util.TreeMap<>();
        answers.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    long started() {
        AtomicLong n = answers.get("NetStream.Publish.Start");
        return n == null ? 0 : n.get();
    }
}
