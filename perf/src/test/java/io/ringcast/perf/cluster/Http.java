package io.ringcast.perf.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The cluster tests' HTTP requests to nodes (from the machine, over the bridge): answers as text or JSON. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .proxy(HttpClient.Builder.NO_PROXY).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private Http() {
    }

    /** GET {@code url}, with {@code bearer} as the Authorization when not null. */
    static HttpResponse<String> get(String url, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return get(url, null);
    }

    /** The JSON body of GET {@code url}; fails unless the answer is 200. */
    static JsonNode json(String url) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(url);
        if (answer.statusCode() != 200) {
            throw new AssertionError("GET " + url + ": " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    static JsonNode parse(String body) throws IOException {
        return JSON.readTree(body);
    }

    /** Whether {@code target} on the node at {@code address}:8080 answers 200 now; false on any failure. */
    static boolean answers(String address, String target) {
        try {
            return get("http://" + address + ":" + NodeConfig.HTTP_PORT + target).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
