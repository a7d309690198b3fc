package io.ringcast.ingest.command;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.ControlMessages;
import io.ringcast.ingest.server.RtmpMessageWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers a connection's AMF0 commands as ffmpeg and OBS expect (Adobe RTMP specification 7.2): connect,
 * releaseStream, FCPublish, createStream, publish, FCUnpublish, deleteStream, closeStream. Owned by the
 * connection's thread; commands are rare, so this may allocate.
 */
public final class CommandHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);
    /** Window acknowledgement size and peer bandwidth announced on connect, as common servers do. */
    static final int WINDOW_BYTES = 5_000_000;
    static final int FIRST_STREAM_ID = 1;
    private static final int MAX_STREAMS_PER_CONNECTION = 16;

    private final RtmpMessageWriter writer;
    private final PublishTarget publishing;
    private final int outChunkSizeBytes;
    private final String remote;
    private String app;
    private int nextStreamId = FIRST_STREAM_ID;

    public CommandHandler(RtmpMessageWriter writer, PublishTarget publishing, int outChunkSizeBytes, String remote) {
        this.writer = writer;
        this.publishing = publishing;
        this.outChunkSizeBytes = outChunkSizeBytes;
        this.remote = remote;
    }

    /** The application named on connect, null before. */
    public String app() {
        return app;
    }

    /**
     * Handles one command message: {@code values} = name, transaction id, command object, arguments.
     *
     * @throws RtmpProtocolException for a malformed command or one out of order
     */
    public void onCommand(List<Object> values, int messageStreamId) {
        if (values.size() < 2 || !(values.get(0) instanceof String name) || !(values.get(1) instanceof Double)) {
            throw new RtmpProtocolException("command without name and transaction id");
        }
        double txn = (Double) values.get(1);
        switch (name) {
            case "connect" -> connect(txn, values);
            case "releaseStream", "FCPublish", "FCUnpublish" -> {
                if (name.equals("FCUnpublish")) {
                    publishing.stopPublish();
                }
                resultIfAsked(txn, null);
            }
            case "createStream" -> createStream(txn);
            case "publish" -> publish(txn, values, messageStreamId);
            case "deleteStream", "closeStream" -> {
                publishing.stopPublish();
            }
            case "play", "play2" -> {
                requireConnected(name);
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.error(NetStatus.PLAY_FAILED, "RTMP play is not supported by this server yet"));
            }
            case "_checkbw", "getStreamLength" -> resultIfAsked(txn, null);
            default -> {
                LOG.debug("{}: ignoring command {}", remote, name);
                resultIfAsked(txn, null);
            }
        }
    }

    private void connect(double txn, List<Object> values) {
        if (app != null) {
            throw new RtmpProtocolException("connect sent twice");
        }
        Object commandObject = values.size() > 2 ? values.get(2) : null;
        String requested = commandObject instanceof Map<?, ?> m && m.get("app") instanceof String s ? s : null;
        String cleaned = requested == null ? null : stripQuery(requested);
        if (cleaned != null && cleaned.endsWith("/")) {
            cleaned = cleaned.substring(0, cleaned.length() - 1);
        }
        if (cleaned == null || !StreamPath.isValidPart(cleaned)) {
            writer.command(0, "_error", txn, null,
                    NetStatus.error(NetStatus.CONNECT_REJECTED, "invalid application name"));
            throw new RtmpProtocolException("connect with invalid app " + describe(requested));
        }
        app = cleaned;
        writer.windowAcknowledgementSize(WINDOW_BYTES);
        writer.setPeerBandwidth(WINDOW_BYTES, ControlMessages.LIMIT_TYPE_DYNAMIC);
        writer.setChunkSize(outChunkSizeBytes);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("fmsVer", "FMS/3,0,1,123");
        properties.put("capabilities", 31.0);
        Map<String, Object> info = NetStatus.status(NetStatus.CONNECT_SUCCESS, "Connection succeeded.");
        info.put("objectEncoding", 0.0);
        writer.command(0, "_result", txn, properties, info);
    }

    private void createStream(double txn) {
        requireConnected("createStream");
        if (nextStreamId > MAX_STREAMS_PER_CONNECTION) {
            throw new RtmpProtocolException("more than " + MAX_STREAMS_PER_CONNECTION + " createStream calls");
        }
        writer.command(0, "_result", txn, null, (double) nextStreamId++);
    }

    private void publish(double txn, List<Object> values, int messageStreamId) {
        requireConnected("publish");
        String requested = values.size() > 3 && values.get(3) instanceof String s ? s : null;
        String name = requested == null ? null : stripQuery(requested);
        if (name == null || !StreamPath.isValidPart(name)) {
            LOG.warn("{}: publish refused, invalid stream name {}", remote, describe(requested));
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_BAD_NAME, "invalid stream name"));
            return;
        }
        PublishTarget.Result result = publishing.startPublish(app, name, messageStreamId);
        switch (result) {
            case STARTED -> {
                writer.streamBegin(messageStreamId);
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.status(NetStatus.PUBLISH_START, app + "/" + name + " is now published."));
            }
            case BAD_NAME -> {
                LOG.warn("{}: publish of {}/{} refused: the stream already has a publisher", remote, app, name);
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.error(NetStatus.PUBLISH_BAD_NAME, app + "/" + name + " is already published"));
            }
            case BUSY -> writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_BAD_NAME, "this connection already publishes"));
        }
    }

    private void resultIfAsked(double txn, Object value) {
        if (txn != 0) {
            writer.command(0, "_result", txn, null, value);
        }
    }

    private void requireConnected(String command) {
        if (app == null) {
            throw new RtmpProtocolException(command + " before connect");
        }
    }

    /** Drops a "?key=value" suffix, as encoders append tokens to app and stream names. */
    static String stripQuery(String s) {
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    private static String describe(String s) {
        if (s == null) {
            return "(missing)";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return '"' + cut.replaceAll("[^\\x20-\\x7e]", "?") + '"';
    }
}
