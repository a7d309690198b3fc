package io.ringcast.perf.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.broadcast.testing.Ffmpeg;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Done when 3 (keys) of the cluster issue: with publish keys on and the directory in Redis, a room's key lives in
 * Redis in livego's layout, a reset through one origin's {@code /control/reset} is refused by every origin at once
 * and the new key is accepted by all.
 */
@Tag("cluster")
@Timeout(180)
class SharedKeysTest {
    private static final String SECRET = "cluster-suite-admin-secret-0123456789abcdef";
    @RegisterExtension
    static final TopologyPerClass HOSTS = new TopologyPerClass(() -> Topology.in(Path.of("target", "cluster", "keys")
            .toAbsolutePath()).cluster().origins(2).edges(0).originConfig(c -> c.tables("[auth]\npublish_keys = true\n"
            + "[control]\njwt_secret = \"" + SECRET + "\"\n")).start());

    private static Topology topology() {
        return HOSTS.get();
    }

    @Test
    void shouldRefuseAResetKeyOnEveryOriginAtOnceAndAcceptTheNewOneOnAll() throws Exception {
        String key = control(topology().origin(1), "/control/get?room=hall");
        assertEquals(key, topology().redis().command("GET", "hall"), "room -> key, as livego keeps it");
        assertEquals("hall", topology().redis().command("GET", key), "key -> room, as livego keeps it");
        assertEquals(key, control(topology().origin(2), "/control/get?room=hall"), "origin 2 sees the same key");

        String reset = control(topology().origin(2), "/control/reset?room=hall");
        List<CompletableFuture<ProcessResult>> oldKey = topology().origins().stream()
                .map(o -> CompletableFuture.supplyAsync(() -> publish(o, key))).toList();
        for (int i = 0; i < oldKey.size(); i++) {
            ProcessResult refused = oldKey.get(i).get();
            System.out.println("cluster keys: old key at o" + (i + 1) + ": exit " + refused.exitCode());
            assertNotEquals(0, refused.exitCode(), "o" + (i + 1) + " took the reset key:\n" + refused.output());
            assertTrue(refused.output().contains("Server error"), "refused by the server: " + refused.output());
        }
        for (Node origin : topology().origins()) {
            ProcessResult accepted = publish(origin, reset);
            System.out.println("cluster keys: new key at " + origin.host() + ": exit " + accepted.exitCode());
            assertEquals(0, accepted.exitCode(), origin.host() + " refused the new key:\n" + accepted.output());
        }
        assertEquals(reset, topology().redis().command("GET", "hall"));
    }

    /** ffmpeg publishes 2 s under {@code key} to {@code origin} from the encoder host. */
    private static ProcessResult publish(Node origin, String key) {
        return ProcessResult.run(Netns.inside(Topology.ENCODER, List.of("timeout", "-s", "KILL", "20",
                Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "verbose", "-re", "-i", Media.file().toString(),
                "-t", "2", "-c", "copy", "-f", "flv", origin.rtmpUrl("live/" + key))), 30);
    }

    /** A control call with the admin JWT; returns {@code data} of a 200 answer. */
    private static String control(Node node, String target) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject("cluster-suite").expirationTime(Date.from(Instant.now()
                        .plusSeconds(600))).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> answer = Http.get(node.httpUrl(target), jwt.serialize());
        assertEquals(200, answer.statusCode(), target + " at " + node.host() + ": " + answer.body());
        JsonNode body = Http.parse(answer.body());
        return body.path("data").asText();
    }
}
