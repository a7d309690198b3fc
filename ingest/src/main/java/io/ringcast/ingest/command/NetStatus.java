package io.ringcast.ingest.command;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the info objects of onStatus and _result replies (NetConnection/NetStream status codes). */
public final class NetStatus {
    public static final String CONNECT_SUCCESS = "NetConnection.Connect.Success";
    public static final String CONNECT_REJECTED = "NetConnection.Connect.Rejected";
    public static final String PUBLISH_START = "NetStream.Publish.Start";
    public static final String PUBLISH_BAD_NAME = "NetStream.Publish.BadName";
    public static final String PUBLISH_REJECTED = "NetStream.Publish.Rejected";
    public static final String UNPUBLISH_SUCCESS = "NetStream.Unpublish.Success";
    public static final String PLAY_FAILED = "NetStream.Play.Failed";
    public static final String PLAY_RESET = "NetStream.Play.Reset";
    public static final String PLAY_START = "NetStream.Play.Start";
    public static final String PLAY_STOP = "NetStream.Play.Stop";
    public static final String PLAY_STREAM_NOT_FOUND = "NetStream.Play.StreamNotFound";
    public static final String PAUSE_NOTIFY = "NetStream.Pause.Notify";
    public static final String UNPAUSE_NOTIFY = "NetStream.Unpause.Notify";
    public static final String SEEK_NOTIFY = "NetStream.Seek.Notify";

    private NetStatus() {
    }

    public static Map<String, Object> status(String code, String description) {
        return info("status", code, description);
    }

    public static Map<String, Object> error(String code, String description) {
        return info("error", code, description);
    }

    private static Map<String, Object> info(String level, String code, String description) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", level);
        info.put("code", code);
        info.put("description", description);
        return info;
    }
}
