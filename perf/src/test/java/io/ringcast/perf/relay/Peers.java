package io.ringcast.perf.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.Ffmpeg;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** What the relay tests ask of their peers: HTTP answers, a ringcast server's stream stats, ffmpeg publishers. */
final class Peers {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private Peers() {
    }

    /** GET {@code http://host:port/target}: the status and the body as text. */
    static HttpResponse<String> get(String host, int port, String target) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + target))
                .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether GET {@code http://host:port/target} answers 200 now; false on any failure (for awaiting it). */
    static boolean answersOk(String host, int port, String target) {
        try {
            return get(host, port, target).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The viewers a ringcast server counts on {@code app/name} (its subscribers, relays included); 0 without it. */
    static int subscribers(String host, int httpPort, String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(host, httpPort, "/api/streams/" + path);
        if (answer.statusCode() == 404) {
            return 0;
        }
        JsonNode stream = JSON.readTree(answer.body());
        return stream.path("subscribers").path("total").asInt(-1);
    }

    /** An ffmpeg test source publishing to {@code url} for {@code seconds}, 25 fps, a keyframe a second. */
    static Ffmpeg.FfmpegProcess publish(String url, String size, double seconds) throws IOException {
        List<String> args = new java.util.ArrayList<>(Ffmpeg.publishArgs(url, size, 25, seconds, "400k"));
        int gop = args.indexOf("-g");
        args.set(gop + 1, "25");
        args.set(args.indexOf("-keyint_min") + 1, "25");
        return Ffmpeg.start(args, "publisher");
    }
}
