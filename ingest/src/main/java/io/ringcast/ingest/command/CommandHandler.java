package io.ringcast.ingest.command;

import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.hooks.HookDecision;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.hooks.StreamHooks;
import io.ringcast.broadcast.stream.SourceRole;
import io.ringcast.broadcast.stream.SourceUnavailableException;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.ClusterPullMark;
import io.ringcast.ingest.RtmpConnectRefusedException;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.ControlMessages;
import io.ringcast.ingest.server.RtmpMessageWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Answers a connection's AMF0 commands as ffmpeg and OBS expect (Adobe RTMP specification 7.2): connect,
 * releaseStream, FCPublish, createStream, publish, FCUnpublish, deleteStream, closeStream, and for viewers play,
 * play2, pause and seek. Owned by the thread that decodes the connection's messages (its ingest thread, or a
 * player loop after a play hand-off); commands are rare, so this may allocate.
 *
 * <p>Hooks ({@code [hooks]}): a publish or a play is asked first. The ask runs on the hook client; the connection's
 * own ingest thread waits for the answer (at most {@code timeout_ms}), which holds up this connection alone: no
 * other connection's commands or media pass through it. A play on a connection already handed to a shared player
 * loop is never waited for: only the stream the hook allowed may be played again there. The ends (unpublish, stop)
 * are told to the hooks in the background.
 */
public final class CommandHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);
    /** Window acknowledgement size and peer bandwidth announced on connect, as common servers do. */
    static final int WINDOW_BYTES = 5_000_000;
    static final int FIRST_STREAM_ID = 1;
    private static final int MAX_STREAMS_PER_CONNECTION = 16;
    private static final long HOOK_WAIT_MARGIN_MS = 1_000;

    private final RtmpMessageWriter writer;
    private final PublishTarget publishing;
    private final PlayTarget playing;
    private final Supplier<PlayTokens> playTokens;
    private final Supplier<StreamHooks> hooks;
    /** This connection's id in hook calls. */
    private final String clientId = HookRequest.nextClientId();
    /** connect's command object fields the hooks are told, "" when absent. */
    private String tcUrl = "";
    private String flashVer = "";
    private String swfUrl = "";
    private String pageUrl = "";
    /** The publish the hooks must hear the end of, or null. */
    private HookRequest publishedHook;
    /** The play the hooks must hear the end of, or null. */
    private HookRequest playedHook;
    /** The stream the play hook allowed on this connection, or null. */
    private StreamPath allowedPlay;
    private boolean connectionClosed;
    private final int outChunkSizeBytes;
    private final String remote;
    private String app;
    private String connectRefusal;
    private int nextStreamId = FIRST_STREAM_ID;

    public CommandHandler(RtmpMessageWriter writer, PublishTarget publishing, PlayTarget playing,
                          int outChunkSizeBytes, String remote) {
        this(writer, publishing, playing, outChunkSizeBytes, remote, () -> null);
    }

    /** @param playTokens the signed-URL checker when plays must be signed, else a supplier of null */
    public CommandHandler(RtmpMessageWriter writer, PublishTarget publishing, PlayTarget playing,
                          int outChunkSizeBytes, String remote, Supplier<PlayTokens> playTokens) {
        this(writer, publishing, playing, outChunkSizeBytes, remote, playTokens, () -> null);
    }

    /** @param hooks the hooks to ask before a publish or a play and tell after, else a supplier of null */
    public CommandHandler(RtmpMessageWriter writer, PublishTarget publishing, PlayTarget playing,
                          int outChunkSizeBytes, String remote, Supplier<PlayTokens> playTokens,
                          Supplier<StreamHooks> hooks) {
        this.playTokens = playTokens;
        this.hooks = hooks;
        this.writer = writer;
        this.publishing = publishing;
        this.playing = playing;
        this.outChunkSizeBytes = outChunkSizeBytes;
        this.remote = remote;
    }

    /**
     * Makes connect answer {@code _error NetConnection.Connect.Rejected} with {@code reason} and end the connection:
     * a limit refused it at accept, and the client (ffmpeg prints "Server error: reason") should learn why.
     */
    public void refuseConnect(String reason) {
        this.connectRefusal = reason;
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
                    stopPublish();
                }
                resultIfAsked(txn, null);
            }
            case "createStream" -> createStream(txn);
            case "publish" -> publish(values, messageStreamId);
            case "deleteStream", "closeStream" -> {
                stopPublish();
                int played = playing.stopPlay();
                if (played != 0) {
                    playEnded();
                    writer.command(played, "onStatus", 0, null,
                            NetStatus.status(NetStatus.PLAY_STOP, "Stopped playing."));
                }
            }
            case "play", "play2" -> play(name, values, messageStreamId);
            case "pause" -> pause(values, messageStreamId);
            case "seek" -> {
                if (playing.seekToLive()) {
                    writer.command(messageStreamId, "onStatus", 0, null,
                            NetStatus.status(NetStatus.SEEK_NOTIFY, "Seeking to live."));
                }
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
        if (connectRefusal != null) {
            writer.command(0, "_error", txn, null, NetStatus.error(NetStatus.CONNECT_REJECTED, connectRefusal));
            throw new RtmpConnectRefusedException(connectRefusal);
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
        if (commandObject instanceof Map<?, ?> m) {
            tcUrl = m.get("tcUrl") instanceof String v ? v : "";
            flashVer = m.get("flashVer") instanceof String v ? v : "";
            swfUrl = m.get("swfUrl") instanceof String v ? v : "";
            pageUrl = m.get("pageUrl") instanceof String v ? v : "";
        }
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

    /** play: values = name, txn, null, stream name, [start, duration, reset]; play2 carries an object instead. */
    private void play(String command, List<Object> values, int messageStreamId) {
        requireConnected(command);
        Object argument = values.size() > 3 ? values.get(3) : null;
        if (argument instanceof Map<?, ?> m && m.get("streamName") instanceof String s) {
            argument = s;
        }
        String requested = argument instanceof String s ? s : null;
        String name = requested == null ? null : stripQuery(requested);
        if (name == null || !StreamPath.isValidPart(name)) {
            LOG.info("{}: play refused, invalid stream name {}", remote, describe(requested));
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PLAY_STREAM_NOT_FOUND, "invalid stream name"));
            return;
        }
        if (publishing.isPublishing()) {
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PLAY_FAILED, "this connection publishes"));
            return;
        }
        PlayTokens tokens = playTokens.get();
        if (tokens != null) {
            Map<String, String> query = queryOf(requested);
            PlayTokens.Check check = tokens.check(new StreamPath(app, name), query.get(PlayTokens.EXPIRES),
                    query.get(PlayTokens.TOKEN));
            if (!check.allowed()) {
                LOG.warn("{}: play of {}/{} refused: {}", remote, app, name, check.reason());
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.error(NetStatus.PLAY_FAILED, "play refused: " + check.reason()));
                return;
            }
        }
        boolean clusterPull = ClusterPullMark.isMarked(queryOf(requested));
        StreamHooks h = clusterPull ? null : hooks.get();
        HookRequest hookRequest = null;
        if (h != null) {
            hookRequest = hookRequest(new StreamPath(app, name), requested);
            if (h.asksPlay(hookRequest.protocol())) {
                HookDecision decision = playing.isPlayer() ? replayDecision(hookRequest.path())
                        : await(h, h.askPlay(hookRequest));
                if (!decision.allowed()) {
                    LOG.warn("{}: play of {}/{} refused by the hook: {}", remote, app, name, decision.reason());
                    writer.command(messageStreamId, "onStatus", 0, null,
                            NetStatus.error(NetStatus.PLAY_FAILED, decision.refusalText("play")));
                    return;
                }
                if (decision.renamedTo() != null) {
                    LOG.info("{}: play of {}/{} renamed by the hook to {}", remote, app, name, decision.renamedTo());
                    name = decision.renamedTo().name();
                    hookRequest = hookRequest.withPath(decision.renamedTo());
                }
            }
        }
        String path = app + "/" + name;
        PlayTarget.Result result;
        try {
            result = playing.startPlay(app, name, messageStreamId, !clusterPull);
        } catch (LimitExceededException e) {
            LOG.warn("{}: play of {} refused: {}", remote, path, e.getMessage());
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PLAY_FAILED, e.getMessage()));
            return;
        } catch (SourceUnavailableException e) {
            // Its source cannot tell now (the cluster's directory is down): refused at once, then the connection
            // closes, as a player would give up on it anyway.
            LOG.warn("{}: play of {} refused: {}", remote, path, e.getMessage());
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PLAY_FAILED, e.getMessage()));
            throw new RtmpConnectRefusedException("play of " + path + " refused: " + e.getMessage());
        }
        switch (result) {
            case STARTED -> {
                if (hookRequest != null) {
                    playedHook = hookRequest;
                    allowedPlay = hookRequest.path();
                }
                writer.streamBegin(messageStreamId);
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.status(NetStatus.PLAY_RESET, "Playing and resetting " + path + "."));
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.status(NetStatus.PLAY_START, "Started playing " + path + "."));
                writer.data(messageStreamId, "|RtmpSampleAccess", true, true);
            }
            case NOT_FOUND -> {
                LOG.info("{}: play of {} refused: no such live stream", remote, path);
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.error(NetStatus.PLAY_STREAM_NOT_FOUND, "no live stream " + path));
            }
            case BUSY -> writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PLAY_FAILED, "this connection already plays a stream"));
        }
    }

    /** pause: values = name, txn, null, pause flag, position in ms. */
    private void pause(List<Object> values, int messageStreamId) {
        boolean pause = !(values.size() > 3 && values.get(3) instanceof Boolean b) || b;
        if (!playing.pause(pause)) {
            return;
        }
        if (pause) {
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.status(NetStatus.PAUSE_NOTIFY, "Paused."));
        } else {
            writer.streamBegin(messageStreamId);
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.status(NetStatus.UNPAUSE_NOTIFY, "Unpaused."));
        }
    }

    private void publish(List<Object> values, int messageStreamId) {
        requireConnected("publish");
        if (playing.isPlayer()) {
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_BAD_NAME, "this connection plays"));
            return;
        }
        String requested = values.size() > 3 && values.get(3) instanceof String s ? s : null;
        String name = requested == null ? null : stripQuery(requested);
        if (name == null || !StreamPath.isValidPart(name)) {
            LOG.warn("{}: publish refused, invalid stream name {}", remote, describe(requested));
            writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_BAD_NAME, "invalid stream name"));
            return;
        }
        StreamHooks h = hooks.get();
        HookRequest hookRequest = null;
        if (h != null && !publishing.isPublishing()) {
            hookRequest = hookRequest(new StreamPath(app, name), requested);
            if (h.asksPublish()) {
                HookDecision decision = await(h, h.askPublish(hookRequest));
                if (!decision.allowed()) {
                    LOG.warn("{}: publish of {}/{} refused by the hook: {}", remote, app, name, decision.reason());
                    writer.command(messageStreamId, "onStatus", 0, null,
                            NetStatus.error(NetStatus.PUBLISH_BAD_NAME, decision.refusalText("publish")));
                    return;
                }
                if (decision.renamedTo() != null) {
                    LOG.info("{}: publish of {}/{} renamed by the hook to {}", remote, app, name,
                            decision.renamedTo());
                    name = decision.renamedTo().name();
                    hookRequest = hookRequest.withPath(decision.renamedTo());
                }
            }
        }
        SourceRole role = roleOf(requested);
        PublishTarget.Result result = publishing.startPublish(app, name, messageStreamId, role);
        String as = role == SourceRole.BACKUP ? " (backup)" : "";
        switch (result) {
            case STARTED -> {
                publishedHook = hookRequest;
                writer.streamBegin(messageStreamId);
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.status(NetStatus.PUBLISH_START, app + "/" + name + as + " is now published."));
            }
            case BAD_NAME -> {
                String refusal = role == SourceRole.BACKUP ? " already has a backup" : " is already published";
                LOG.warn("{}: publish of {}/{}{} refused: the stream{}", remote, app, name, as, refusal);
                writer.command(messageStreamId, "onStatus", 0, null,
                        NetStatus.error(NetStatus.PUBLISH_BAD_NAME, app + "/" + name + refusal));
            }
            case BUSY -> writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_BAD_NAME, "this connection already publishes"));
            case BAD_KEY -> writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_BAD_NAME, "wrong stream key"));
            case REJECTED -> writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_REJECTED, publishing.refusal()));
            case DENIED -> writer.command(messageStreamId, "onStatus", 0, null,
                    NetStatus.error(NetStatus.PUBLISH_BAD_NAME, publishing.refusal()));
        }
    }

    /**
     * The connection ended (closed by either side, or refused): tells the hooks that its publish or play ended.
     * Called once by the connection's owner at the time (its ingest thread, or its player loop); idempotent.
     */
    public void connectionClosed() {
        if (connectionClosed) {
            return;
        }
        connectionClosed = true;
        publishEnded();
        playEnded();
    }

    private void stopPublish() {
        boolean was = publishing.isPublishing();
        publishing.stopPublish();
        if (was) {
            publishEnded();
        }
    }

    private void publishEnded() {
        HookRequest ended = publishedHook;
        publishedHook = null;
        StreamHooks h = hooks.get();
        if (ended != null && h != null) {
            h.publishEnded(ended);
        }
    }

    private void playEnded() {
        HookRequest ended = playedHook;
        playedHook = null;
        StreamHooks h = hooks.get();
        if (ended != null && h != null) {
            h.playEnded(ended);
        }
    }

    private HookRequest hookRequest(StreamPath path, String requestedName) {
        int q = requestedName.indexOf('?');
        String args = q < 0 ? "" : requestedName.substring(q + 1);
        String address = remote.lastIndexOf(':') > 0 ? remote.substring(0, remote.lastIndexOf(':')) : remote;
        return new HookRequest("rtmp", clientId, address, path, args, tcUrl, flashVer, swfUrl, pageUrl, "");
    }

    /**
     * A play on a shared player loop is not waited for: the stream the hook allowed on this connection may be
     * played again, any other is refused.
     */
    private HookDecision replayDecision(StreamPath requested) {
        return requested.equals(allowedPlay) ? HookDecision.ALLOW
                : HookDecision.refuse("play another stream on a new connection");
    }

    /**
     * The hook's answer, waited for on this connection's own thread. The future completes within the hooks'
     * timeout; the extra second only guards against a bug there.
     */
    private HookDecision await(StreamHooks h, CompletableFuture<HookDecision> answer) {
        try {
            return answer.get(h.answerTimeoutMs() + HOOK_WAIT_MARGIN_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HookDecision.refuse("the server is stopping");
        } catch (ExecutionException | TimeoutException e) {
            return HookDecision.refuse("the hook service did not answer");
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

    /** The "?a=1&b=2" parameters of a stream name (players append signed-URL tokens this way). */
    static Map<String, String> queryOf(String name) {
        Map<String, String> params = new java.util.HashMap<>();
        int q = name.indexOf('?');
        if (q >= 0) {
            for (String pair : name.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return params;
    }

    /**
     * The role a publish asks for: BACKUP when the stream name's parameters hold {@code backup} (as
     * {@code name?backup}, {@code KEY?backup} or {@code backup=1}), else PRIMARY.
     */
    static SourceRole roleOf(String requestedName) {
        int q = requestedName.indexOf('?');
        if (q >= 0) {
            for (String pair : requestedName.substring(q + 1).split("&")) {
                if (pair.equals("backup") || (pair.startsWith("backup=") && !pair.equals("backup=0")
                        && !pair.equals("backup=false"))) {
                    return SourceRole.BACKUP;
                }
            }
        }
        return SourceRole.PRIMARY;
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
