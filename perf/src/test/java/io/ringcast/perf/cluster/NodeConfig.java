package io.ringcast.perf.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The TOML of one ringcast node in the namespace topology, built by the test thread: listeners on the host's own
 * address (RTMP 1935, HTTP 8080, as an operator runs it), small rings and few threads (six processes share two
 * cores), short relay timeouts, and the {@code [cluster]} section of common.md when a directory is given.
 */
final class NodeConfig {
    static final int RTMP_PORT = 1935;
    static final int HTTP_PORT = 8080;

    private final String address;
    private final List<String> extraTables = new ArrayList<>();
    private final StringBuilder arrayTables = new StringBuilder();
    private String cluster = "";

    NodeConfig(String address) {
        this.address = address;
    }

    /** The {@code [cluster]} section: node {@code id} of {@code role} with the directory at {@code redisUrl}. */
    NodeConfig cluster(String id, String role, String redisUrl) {
        cluster = "[cluster]\nnode_id = \"" + id + "\"\nrole = \"" + role + "\"\nadvertise = \"http://" + address + ":"
                + HTTP_PORT + "\"\ndirectory = \"" + redisUrl + "\"\n";
        return this;
    }

    /** Extra tables ({@code "[auth]\npublish_keys = true\n"}), written as given (no table may repeat one above). */
    NodeConfig tables(String toml) {
        extraTables.add(toml.endsWith("\n") ? toml : toml + "\n");
        return this;
    }

    /** Arrays of tables ({@code [[pull]]}), written last. */
    NodeConfig arrayTables(String toml) {
        arrayTables.append(toml.endsWith("\n") ? toml : toml + "\n");
        return this;
    }

    String text() {
        StringBuilder toml = new StringBuilder();
        toml.append("""
                [Engine]
                AutoCloseDelay = 5
                [ring]
                video_slots = 512
                audio_slots = 512
                video_payload_bytes = 4194304
                audio_payload_bytes = 262144
                [rtmp]
                address = "%1$s"
                port = %2$d
                player_loop_threads = 1
                [http]
                address = "%1$s"
                port = %3$d
                fanout_threads = 1
                [hls]
                segment_duration_ms = 1000
                threads = 1
                [relay]
                connect_timeout_ms = 1000
                read_timeout_ms = 2000
                backoff_min_ms = 200
                backoff_max_ms = 1000
                """.formatted(address, RTMP_PORT, HTTP_PORT));
        extraTables.forEach(toml::append);
        toml.append(cluster);
        return toml.append(arrayTables).toString();
    }
}
