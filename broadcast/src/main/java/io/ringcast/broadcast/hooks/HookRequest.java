package io.ringcast.broadcast.hooks;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a hook is told about one client's publish or play, in protocol-neutral terms; the hook implementation shapes
 * it as nginx-rtmp or SRS send it. Immutable.
 *
 * @param protocol  how the client came: rtmp, httpflv, hls, page
 * @param clientId  this server's id of the client connection (or HTTP request), the same for its play and stop
 * @param address   the client's IP address
 * @param path      the stream asked for
 * @param args      the client's query arguments as sent ({@code a=1&b=2}, without {@code ?}), "" when none
 * @param tcUrl     the URL the client connected to: RTMP's connect {@code tcUrl}, HTTP's {@code http://host/app}
 * @param flashVer  RTMP connect's {@code flashVer}, HTTP's User-Agent; "" when none
 * @param swfUrl    RTMP connect's {@code swfUrl}; "" when none
 * @param pageUrl   RTMP connect's {@code pageUrl}, HTTP's Referer; "" when none
 * @param file      the recording's file for record_done, else ""
 */
public record HookRequest(String protocol, String clientId, String address, StreamPath path, String args,
                          String tcUrl, String flashVer, String swfUrl, String pageUrl, String file) {
    private static final AtomicLong NEXT_CLIENT_ID = new AtomicLong(1);

    public HookRequest {
        args = args == null ? "" : args;
        tcUrl = tcUrl == null ? "" : tcUrl;
        flashVer = flashVer == null ? "" : flashVer;
        swfUrl = swfUrl == null ? "" : swfUrl;
        pageUrl = pageUrl == null ? "" : pageUrl;
        file = file == null ? "" : file;
    }

    /** A new client id, unique in this process. Any thread. */
    public static String nextClientId() {
        return Long.toString(NEXT_CLIENT_ID.getAndIncrement());
    }

    /** The same request for another stream (after a rename). */
    public HookRequest withPath(StreamPath renamed) {
        return new HookRequest(protocol, clientId, address, renamed, args, tcUrl, flashVer, swfUrl, pageUrl, file);
    }

    /** The same request naming a recording's file (record_done). */
    public HookRequest withFile(String recordedFile) {
        return new HookRequest(protocol, clientId, address, path, args, tcUrl, flashVer, swfUrl, pageUrl,
                recordedFile);
    }
}
