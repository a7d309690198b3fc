package io.ringcast.perf.load.rtmp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command objects and status checks a client needs (Adobe RTMP specification 7.2), shared by the publisher and
 * the RTMP viewers. Stateless; any thread.
 */
public final class RtmpCommands {
    private static final int INFO_ARGUMENT = 1;
    private static final double CAPABILITIES = 15;
    private static final double AUDIO_CODECS = 4071;
    private static final double VIDEO_CODECS = 252;
    private static final double VIDEO_FUNCTION = 1;

    private RtmpCommands() {
    }

    /** The connect command object, with the fields ffmpeg and OBS send, which nginx-rtmp and others expect. */
    public static Map<String, Object> connectObject(RtmpUrl url, boolean publish) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("app", url.app());
        if (publish) {
            object.put("type", "nonprivate");
        }
        object.put("flashVer", publish ? "FMLE/3.0 (compatible; ringcast-loadgen)" : "LNX 9,0,124,2");
        object.put("tcUrl", url.tcUrl());
        if (!publish) {
            object.put("fpad", false);
            object.put("capabilities", CAPABILITIES);
            object.put("audioCodecs", AUDIO_CODECS);
            object.put("videoCodecs", VIDEO_CODECS);
            object.put("videoFunction", VIDEO_FUNCTION);
        }
        return object;
    }

    /** The info object's {@code code} of an onStatus, {@code _result} or {@code _error}, or null. */
    public static String code(List<Object> arguments) {
        return infoField(arguments, "code");
    }

    /** Whether an onStatus reports an error (level {@code error}). */
    public static boolean isError(List<Object> arguments) {
        return "error".equals(infoField(arguments, "level"));
    }

    /** The message stream id a {@code _result} of createStream carries, or -1. */
    public static int createdStreamId(List<Object> arguments) {
        return arguments.size() > INFO_ARGUMENT && arguments.get(INFO_ARGUMENT) instanceof Double id
                ? id.intValue() : -1;
    }

    private static String infoField(List<Object> arguments, String field) {
        if (arguments.size() > INFO_ARGUMENT && arguments.get(INFO_ARGUMENT) instanceof Map<?, ?> info
                && info.get(field) instanceof String value) {
            return value;
        }
        return null;
    }
}
