package io.ringcast.web.stats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.SubscriberStats;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.server.RtmpServer;
import io.ringcast.ingest.upstream.UpstreamUrl;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * livego's {@code GET /stat/livestat[?room=app/name]}, in its shape exactly (its {@code protocol/api/api.go}
 * {@code GetLiveStatics}), so livego dashboards work: {@code {"status":200,"data":{"publishers":[…],"players":[…]}}},
 * each entry {@code {"key","url","stream_id","video_total_bytes","video_speed","audio_total_bytes","audio_speed"}}
 * with integer numbers; an empty list is {@code null} (Go's nil slice); an unknown room answers 404
 * {@code {"status":404,"data":"room not found or inactive"}}.
 *
 * <p>Meanings, as livego computes them: totals are payload bytes (FLV tag bodies) per track, received from the
 * publisher or sent to the player; speeds are bytes per millisecond over the last sampling period, as the issue and
 * livego's field name ("SpeedInBytesperMS") say (livego's own code computes {@code bytes * 8 / seconds / 1000},
 * kilobits per second, under that name: eight times more for the same traffic); ringcast samples
 * each second ({@link io.ringcast.broadcast.track.TrackRates}, {@link SubscriberStats#sampleRates}), livego every
 * five. {@code key} is the stream path. {@code url} is how a client reaches the stream on this server, with the host
 * the request named: {@code rtmp://host[:port]/app/name} for RTMP publishers and players (livego shows the URL the
 * client used, the same but for the host alias), {@code http://host:port/app/name.flv} for HTTP-FLV players, the
 * masked upstream URL for a relay's pull, {@code PROTOCOL://host/app/name} for any other subscriber (pushes).
 * {@code stream_id} is livego's RTMP message stream id: 1 for every entry, the id ringcast's first
 * {@code createStream} answers and on which ffmpeg and OBS publish and play (livego's players even copy their
 * publisher's). Players are every ring subscriber (HTTP-FLV, RTMP, pushes), not only RTMP ones as in livego.
 *
 * <p>Stats access (CORS, {@code protect_stats}): {@link io.ringcast.web.endpoint.Endpoint#LIVESTAT}. Request
 * threads; reads the engine's stats without locks, the byte counts racily (a few frames old at most).
 */
public final class LiveStatServlet extends HttpServlet {
    /** livego's answer to a room that has no live stream. */
    public static final String ROOM_NOT_FOUND = "room not found or inactive";
    /** The RTMP message stream id shown for every entry (see the class comment). */
    static final int STREAM_ID = 1;
    private static final JsonFactory JSON = new JsonFactory();
    private static final double BITS_PER_BYTE = 8.0;
    private static final double MILLIS_PER_SECOND = 1_000.0;
    private static final int RTMP_DEFAULT_PORT = 1935;

    private final transient Engine engine;

    public LiveStatServlet(Engine engine) {
        this.engine = engine;
    }

    /** A request refused by the stats protection: livego's {@code {"status":N,"data":"reason"}}. */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict,
                              boolean withBody) throws IOException {
        send(request, response, verdict.status(), json -> json.writeStringField("data", verdict.reason()), withBody);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String room = request.getParameter("room");
        List<Stream> streams;
        if (room == null || room.isEmpty()) {
            streams = new ArrayList<>(engine.streams().streams());
            streams.sort(Comparator.comparing(s -> s.path().toString()));
        } else {
            Stream stream = find(room);
            if (stream == null) {
                send(request, response, HttpServletResponse.SC_NOT_FOUND,
                        json -> json.writeStringField("data", ROOM_NOT_FOUND), true);
                return;
            }
            streams = List.of(stream);
        }
        Urls urls = new Urls(request, rtmpPort());
        send(request, response, HttpServletResponse.SC_OK, json -> writeData(json, streams, urls), true);
    }

    private Stream find(String room) {
        try {
            return engine.streams().find(StreamPath.parse(room));
        } catch (IllegalArgumentException e) {
            return null; // not a valid app/name: no such room either
        }
    }

    private int rtmpPort() {
        RtmpServer rtmp = engine.service(RtmpServer.class);
        return rtmp == null ? RTMP_DEFAULT_PORT : rtmp.localAddress().getPort();
    }

    private static void writeData(JsonGenerator json, List<Stream> streams, Urls urls) throws IOException {
        json.writeObjectFieldStart("data");
        json.writeFieldName("publishers");
        boolean any = false;
        for (Stream stream : streams) {
            StreamPublisher publisher = stream.publisher();
            if (publisher == null) {
                continue;
            }
            any = startList(json, any);
            TrackRing video = stream.track(TrackKind.VIDEO);
            TrackRing audio = stream.track(TrackKind.AUDIO);
            writeEntry(json, stream.path(), urls.publisher(stream.path(), publisher.info()),
                    video == null ? 0 : video.bytesPublished(), video == null ? 0 : video.rates().bitsPerSecond(),
                    audio == null ? 0 : audio.bytesPublished(), audio == null ? 0 : audio.rates().bitsPerSecond());
        }
        endList(json, any);
        json.writeFieldName("players");
        any = false;
        for (Stream stream : streams) {
            for (SubscriberStats player : stream.subscribers()) {
                any = startList(json, any);
                writeEntry(json, stream.path(), urls.player(stream.path(), player.protocol()),
                        player.videoBytesSent(), player.videoBitsPerSecond(), player.audioBytesSent(),
                        player.audioBitsPerSecond());
            }
        }
        endList(json, any);
        json.writeEndObject();
    }

    /** Opens the list before its first entry; an empty list stays null, as Go marshals a nil slice. */
    private static boolean startList(JsonGenerator json, boolean started) throws IOException {
        if (!started) {
            json.writeStartArray();
        }
        return true;
    }

    private static void endList(JsonGenerator json, boolean started) throws IOException {
        if (started) {
            json.writeEndArray();
        } else {
            json.writeNull();
        }
    }

    private static void writeEntry(JsonGenerator json, StreamPath key, String url, long videoBytes,
                                   double videoBitsPerSecond, long audioBytes, double audioBitsPerSecond)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("key", key.toString());
        json.writeStringField("url", url);
        json.writeNumberField("stream_id", STREAM_ID);
        json.writeNumberField("video_total_bytes", videoBytes);
        json.writeNumberField("video_speed", bytesPerMs(videoBitsPerSecond));
        json.writeNumberField("audio_total_bytes", audioBytes);
        json.writeNumberField("audio_speed", bytesPerMs(audioBitsPerSecond));
        json.writeEndObject();
    }

    /** A speed as livego's field names it: whole bytes per millisecond, truncated as its integer division does. */
    static long bytesPerMs(double bitsPerSecond) {
        return bitsPerSecond <= 0 ? 0 : (long) (bitsPerSecond / BITS_PER_BYTE / MILLIS_PER_SECOND);
    }

    private static void send(HttpServletRequest request, HttpServletResponse response, int status, Data data,
                             boolean withBody) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeNumberField("status", status);
            data.write(json);
            json.writeEndObject();
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        ResponseBody.send(request, response, bytes.toByteArray(), withBody);
    }

    @FunctionalInterface
    private interface Data {
        /** Writes the {@code data} field. */
        void write(JsonGenerator json) throws IOException;
    }

    /** The URLs of one answer, from the host the request named. */
    private static final class Urls {
        private final String rtmpBase;
        private final String httpBase;
        private final String host;

        Urls(HttpServletRequest request, int rtmpPort) {
            String name = request.getServerName();
            this.host = name.indexOf(':') >= 0 && !name.startsWith("[") ? '[' + name + ']' : name;
            this.rtmpBase = "rtmp://" + host + (rtmpPort == RTMP_DEFAULT_PORT ? "" : ":" + rtmpPort) + "/";
            this.httpBase = request.getScheme() + "://" + host + ":" + request.getServerPort()
                    + request.getContextPath() + "/";
        }

        String publisher(StreamPath path, PublisherInfo info) {
            return switch (info.protocol()) {
                case "rtmp" -> rtmpBase + path;
                case StreamStatsWriter.PULL -> UpstreamUrl.maskText(info.remoteAddress());
                default -> info.protocol() + "://" + host + "/" + path;
            };
        }

        String player(StreamPath path, String protocol) {
            return switch (protocol) {
                case "rtmp" -> rtmpBase + path;
                case "httpflv" -> httpBase + path + ".flv";
                default -> protocol + "://" + host + "/" + path;
            };
        }
    }
}
