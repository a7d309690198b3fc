package io.ringcast.perf.load.publish;

import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.perf.load.media.FlvFile;
import io.ringcast.perf.load.media.FrameTagger;
import io.ringcast.perf.load.media.PublishPlan;
import io.ringcast.perf.load.media.SentFrames;
import io.ringcast.perf.load.rtmp.RtmpClientHandshake;
import io.ringcast.perf.load.rtmp.RtmpClientSession;
import io.ringcast.perf.load.rtmp.RtmpCommands;
import io.ringcast.perf.load.rtmp.RtmpUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Publishes a {@link PublishPlan} over RTMP in real time on a thread of its own, looping the file, as an encoder
 * would: handshake, connect, releaseStream, FCPublish, createStream, publish, {@code @setDataFrame onMetaData}, the
 * sequence headers once, then every frame at its timestamp. Each frame's deadline is computed from the start time,
 * so pacing never drifts; right after the write of a frame's last byte returns, its send time goes into
 * {@link SentFrames} under its frame index. Blocking socket; between frames it reads what the server sent (pings,
 * window sizes) without blocking.
 */
public final class RtmpPublisher implements Runnable, RtmpClientSession.Handler {
    private static final int CHUNK_SIZE_BYTES = 4096;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int COMMAND_TIMEOUT_MS = 10_000;
    private static final int READ_BUFFER_BYTES = 16 * 1024;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** A frame written later than this after its deadline counts as late (the publisher fell behind). */
    private static final long LATE_NS = 10 * NANOS_PER_MILLI;

    /** Where the publisher is. */
    public enum State { STARTING, PUBLISHING, FAILED, STOPPED }

    private final RtmpUrl url;
    private final PublishPlan plan;
    private final SentFrames sent;
    private final RtmpClientSession session = new RtmpClientSession(this, false, 1);
    private final byte[] readBytes = new byte[READ_BUFFER_BYTES];
    private final DirectBuffer readView = new UnsafeBuffer(readBytes);
    private final CountDownLatch settled = new CountDownLatch(1);
    private final Thread thread;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private volatile State state = State.STARTING;
    private volatile String failure;
    private volatile boolean stopping;
    private volatile long videoFramesSent;
    private volatile long audioFramesSent;
    private volatile long bytesSent;
    private long lateFrames;
    private long maxLatenessNs;
    private int loops;

    private double pendingTransaction = -1;
    private boolean pendingAnswered;
    private int streamId = -1;
    private String publishStatus;

    public RtmpPublisher(RtmpUrl url, PublishPlan plan, SentFrames sent) {
        this.url = url;
        this.plan = plan;
        this.sent = sent;
        this.thread = new Thread(this, "rtmp-publisher");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Waits until the server accepted the stream and the sequence headers and first frame went out, or failed.
     *
     * @return true if publishing
     */
    public boolean awaitPublishing(long timeoutMs) throws InterruptedException {
        return settled.await(timeoutMs, TimeUnit.MILLISECONDS) && state == State.PUBLISHING;
    }

    /** Stops publishing and closes the connection; returns once the thread ended (or after the timeout). */
    public void stop(long timeoutMs) throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join(timeoutMs);
    }

    @Override
    public void run() {
        try (Socket s = new Socket()) {
            socket = s;
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(url.host(), url.port()), CONNECT_TIMEOUT_MS);
            in = s.getInputStream();
            out = s.getOutputStream();
            handshake();
            startPublishing();
            sendHeaders();
            publishFrames();
            state = State.STOPPED;
        } catch (IOException | RuntimeException e) {
            if (!stopping || state != State.PUBLISHING) {
                failure = failure != null ? failure : e.toString();
                state = State.FAILED;
            } else {
                state = State.STOPPED;
            }
        } finally {
            settled.countDown();
        }
    }

    private void handshake() throws IOException {
        RtmpClientHandshake handshake = new RtmpClientHandshake();
        out.write(handshake.c0c1());
        byte[] response = in.readNBytes(RtmpClientHandshake.SERVER_RESPONSE_LENGTH);
        if (response.length < RtmpClientHandshake.SERVER_RESPONSE_LENGTH) {
            throw new IOException("server closed the connection during the handshake");
        }
        handshake.consume(new UnsafeBuffer(response), 0, response.length);
        out.write(handshake.c2());
    }

    private void startPublishing() throws IOException {
        session.sendSetChunkSize(CHUNK_SIZE_BYTES);
        awaitResult(session.sendCommand(0, "connect", RtmpCommands.connectObject(url, true)), "connect");
        session.sendCommand(0, "releaseStream", null, url.streamName());
        session.sendCommand(0, "FCPublish", null, url.streamName());
        awaitResult(session.sendCommand(0, "createStream", (Object) null), "createStream");
        if (streamId < 0) {
            throw fail("createStream returned no stream id");
        }
        session.sendCommand(streamId, "publish", null, url.streamName(), "live");
        flush();
        readUntil(() -> publishStatus != null, "publish");
        if (!"NetStream.Publish.Start".equals(publishStatus)) {
            throw fail("publish refused: " + publishStatus);
        }
    }

    private void sendHeaders() throws IOException {
        FlvFile file = plan.file();
        if (file.metadata() != null) {
            session.sendMetadata(streamId, file.metadata().body());
        }
        if (file.videoSequenceHeader() != null) {
            session.sendMedia(MessageTypeIds.VIDEO, file.videoSequenceHeader().timestampMs(), streamId,
                    file.videoSequenceHeader().body());
        }
        if (file.audioSequenceHeader() != null) {
            session.sendMedia(MessageTypeIds.AUDIO, file.audioSequenceHeader().timestampMs(), streamId,
                    file.audioSequenceHeader().body());
        }
        flush();
    }

    private void publishFrames() throws IOException {
        List<PublishPlan.Frame> frames = plan.frames();
        long firstTimestampMs = frames.get(0).fileTimestampMs();
        long startNs = System.nanoTime();
        long videoIndex = 0;
        long audioIndex = 0;
        while (!stopping) {
            long loopOffsetMs = loops * plan.loopDurationMs();
            for (PublishPlan.Frame frame : frames) {
                long timestampMs = frame.fileTimestampMs() + loopOffsetMs;
                long deadlineNs = startNs + (timestampMs - firstTimestampMs) * NANOS_PER_MILLI;
                if (!sleepUntil(deadlineNs)) {
                    return;
                }
                boolean video = frame.type() == FlvFile.TYPE_VIDEO;
                if (frame.tagged()) {
                    FrameTagger.writeSequence(frame.body(), videoIndex);
                }
                session.sendMedia(video ? MessageTypeIds.VIDEO : MessageTypeIds.AUDIO, timestampMs, streamId,
                        frame.body());
                int length = session.outputLength();
                flush();
                long sentNs = System.nanoTime();
                if (video) {
                    sent.video().record(videoIndex++, sentNs);
                    videoFramesSent = videoIndex;
                } else {
                    sent.audio().record(audioIndex++, sentNs);
                    audioFramesSent = audioIndex;
                }
                bytesSent += length;
                noteLateness(sentNs - deadlineNs);
                if (state == State.STARTING) {
                    state = State.PUBLISHING;
                    settled.countDown();
                }
                readAvailable();
            }
            loops++;
        }
    }

    private void noteLateness(long latenessNs) {
        if (latenessNs > LATE_NS) {
            lateFrames++;
        }
        maxLatenessNs = Math.max(maxLatenessNs, latenessNs);
    }

    /** Parks until the deadline; false if asked to stop meanwhile. */
    private boolean sleepUntil(long deadlineNs) {
        long remainingNs;
        while (!stopping && (remainingNs = deadlineNs - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remainingNs);
        }
        return !stopping;
    }

    private void awaitResult(double transactionId, String command) throws IOException {
        pendingTransaction = transactionId;
        pendingAnswered = false;
        flush();
        readUntil(() -> pendingAnswered, command);
        if (failure != null) {
            throw new IOException(command + ": " + failure);
        }
    }

    private void readUntil(BooleanSupplier done, String waitingFor) throws IOException {
        long deadlineNs = System.nanoTime() + COMMAND_TIMEOUT_MS * NANOS_PER_MILLI;
        while (!done.getAsBoolean()) {
            long remainingMs = (deadlineNs - System.nanoTime()) / NANOS_PER_MILLI;
            if (remainingMs <= 0 || stopping) {
                throw fail("no answer to " + waitingFor + " within " + COMMAND_TIMEOUT_MS + " ms");
            }
            socket.setSoTimeout((int) remainingMs);
            try {
                receive(in.read(readBytes));
            } catch (SocketTimeoutException e) {
                // The loop checks the deadline.
            }
            flush();
        }
    }

    /** Reads whatever the server sent meanwhile, without blocking, and answers it. */
    private void readAvailable() throws IOException {
        int available = in.available();
        if (available > 0) {
            receive(in.read(readBytes, 0, Math.min(available, readBytes.length)));
            flush();
        }
    }

    private void receive(int count) throws IOException {
        if (count < 0) {
            throw fail("server closed the connection");
        }
        session.received(readView, 0, count, System.nanoTime());
    }

    private void flush() throws IOException {
        int length = session.outputLength();
        if (length > 0) {
            out.write(session.outputArray(), 0, length);
            session.outputWritten(length);
        }
    }

    private IOException fail(String reason) {
        failure = reason;
        return new IOException(reason);
    }

    @Override
    public void onCommand(String name, double transactionId, List<Object> arguments, int messageStreamId) {
        switch (name) {
            case "_result", "_error" -> {
                if (transactionId == pendingTransaction) {
                    if ("_error".equals(name)) {
                        failure = "server answered _error: " + RtmpCommands.code(arguments);
                    }
                    streamId = RtmpCommands.createdStreamId(arguments);
                    pendingAnswered = true;
                }
            }
            case "onStatus" -> {
                String code = RtmpCommands.code(arguments);
                if (code != null && code.startsWith("NetStream.Publish.")) {
                    publishStatus = code;
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void onMedia(int messageTypeId, long timestampMs, DirectBuffer prefix, int prefixLength, int length,
                        long receivedNs) {
    }

    public State state() {
        return state;
    }

    /** Why publishing failed, or null. */
    public String failure() {
        return failure;
    }

    public long videoFramesSent() {
        return videoFramesSent;
    }

    public long audioFramesSent() {
        return audioFramesSent;
    }

    /** Bytes of media messages written (chunk headers included). */
    public long bytesSent() {
        return bytesSent;
    }

    /** Frames written more than 10 ms after their deadline; read after {@link #stop}. */
    public long lateFrames() {
        return lateFrames;
    }

    /** How late the latest frame was written; read after {@link #stop}. */
    public long maxLatenessNs() {
        return maxLatenessNs;
    }

    /** Completed loops of the file; read after {@link #stop}. */
    public int loops() {
        return loops;
    }

    public RtmpUrl url() {
        return url;
    }
}
