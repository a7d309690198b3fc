# shellcheck shell=bash
# Sourced by perf/cluster-hop and perf/cluster-demo: a ringcast cluster on namespace hosts made by perf/netns
# (10.77.0.N), one process per host. The caller builds web first (web/target/dist/lib) and calls cluster_stop on
# exit. Every node listens on its host's address, RTMP 1935 and HTTP 8080, as an operator would run it.
#
#   source "$root/perf/lib/cluster.sh"
#   trap cluster_stop EXIT
#   cluster_hosts redis:2 o1:11 e1:21 lg:41
#   cluster_redis "$out"                         # redis-server on host redis (cluster mode only)
#   cluster_node "$out" o1 11 origin cluster     # -> cluster_pid; mode cluster ([cluster], Redis directory) or
#   cluster_node "$out" e1 21 edge pull o1 o2    #    pull ([[pull]] on demand from the named origins, no directory)

cluster_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster_netns="$cluster_root/perf/netns"
cluster_subnet="${RC_NETNS_SUBNET:-10.77.0}"
# Pids of everything started here, stopped by cluster_stop.
cluster_pids=()
cluster_pid=""

cluster_log() { echo "cluster: $*" >&2; }

# cluster_hosts NAME:N...: a clean set of namespace hosts (whatever a crashed run left is removed first).
cluster_hosts() {
    "$cluster_netns" down
    "$cluster_netns" up "$@"
}

# cluster_redis DIR: redis-server on host redis (.2), no persistence; returns once it answers PING.
cluster_redis() {
    local dir="$1/redis"
    mkdir -p "$dir"
    "$cluster_netns" exec redis redis-server --bind "$cluster_subnet.2" --port 6379 --save "" --appendonly no \
        --protected-mode no --dir "$dir" >"$dir/redis.log" 2>&1 &
    cluster_pids+=("$!")
    for _ in $(seq 1 100); do
        [[ "$(redis-cli -h "$cluster_subnet.2" -p 6379 PING 2>/dev/null)" == "PONG" ]] && return 0
        sleep 0.1
    done
    cluster_log "redis did not start, see $dir/redis.log"
    return 1
}

# cluster_config HOST N ROLE MODE [ORIGIN_HOST...]: the node's TOML on stdout.
cluster_config() {
    local host="$1" n="$2" role="$3" mode="$4"
    shift 4
    local address="$cluster_subnet.$n"
    cat <<TOML
[rtmp]
address = "$address"
port = 1935
max_connections = 5000
max_connections_per_ip = 5000

[http]
address = "$address"
port = 8080
max_connections_per_ip = 5000
TOML
    if [[ "$mode" == "cluster" ]]; then
        cat <<TOML

[cluster]
node_id = "$host"
role = "$role"
advertise = "http://$address:8080"
directory = "redis://$cluster_subnet.2:6379"
TOML
    elif [[ "$role" == "edge" ]]; then
        local from="" origin
        for origin in "$@"; do
            from+="${from:+, }\"rtmp://$("$cluster_netns" addr "$origin"):1935/live/{name}\""
        done
        cat <<TOML

[[pull]]
match = "live/*"
from = [$from]
on_demand = true
TOML
    fi
}

# cluster_node DIR HOST N ROLE MODE [ORIGIN_HOST...]: starts a node on HOST, sets cluster_pid, returns once its
# /api/server answers. JVM flags: RINGCAST_JAVA_OPTS (default -XX:+UseZGC, as web/ringcast).
cluster_node() {
    local dir="$1/$2" host="$2" n="$3"
    mkdir -p "$dir"
    shift
    cluster_config "$@" >"$dir/server.toml"
    # shellcheck disable=SC2086
    (cd "$dir" && exec "$cluster_netns" exec "$host" java ${RINGCAST_JAVA_OPTS:--XX:+UseZGC} \
        -cp "$cluster_root/web/target/dist/lib/*" io.ringcast.web.RingcastMain --config "$dir/server.toml" \
        >"$dir/server.log" 2>&1) &
    cluster_pid=$!
    cluster_pids+=("$cluster_pid")
    for _ in $(seq 1 300); do
        curl -sf --noproxy '*' "http://$cluster_subnet.$n:8080/api/server" >/dev/null && return 0
        if ! kill -0 "$cluster_pid" 2>/dev/null; then
            cluster_log "$host did not start, see $dir/server.log:"
            tail -5 "$dir/server.log" >&2
            return 1
        fi
        sleep 0.2
    done
    cluster_log "$host did not answer within 60 s, see $dir/server.log"
    return 1
}

# cluster_encoder DIR NAME HOST FILE URL...: an ffmpeg loop on HOST publishing FILE (-c copy, looped, real time)
# to the first URL, to the next when ffmpeg exits, round and round; sets cluster_pid.
cluster_encoder() {
    local dir="$1/$2" host="$3" file="$4"
    shift 4
    mkdir -p "$dir"
    "$cluster_netns" exec "$host" bash -c '
        file="$1"; shift
        while true; do
            for url in "$@"; do
                echo "$(date +%T.%3N) publishing to $url"
                ffmpeg -hide_banner -nostats -loglevel warning -re -stream_loop -1 -i "$file" -c copy -f flv "$url"
                rc=$?
                echo "$(date +%T.%3N) ffmpeg to $url exited $rc"
                sleep 0.2
            done
        done' encoder "$file" "$@" >"$dir/encoder.log" 2>&1 &
    cluster_pid=$!
    cluster_pids+=("$cluster_pid")
}

# cluster_media FILE: the demo stream (640x360 25 fps H.264 600 kbit/s, a keyframe a second, AAC), made once.
cluster_media() {
    local file="$1"
    [[ -s "$file" ]] && return 0
    mkdir -p "$(dirname "$file")"
    ffmpeg -hide_banner -nostats -loglevel error -y -f lavfi -i "testsrc2=size=640x360:rate=25" \
        -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 30 -c:v libx264 -preset veryfast -pix_fmt yuv420p \
        -b:v 600k -maxrate 600k -bufsize 600k -g 25 -keyint_min 25 -sc_threshold 0 -bf 0 \
        -c:a aac -b:a 64k -ar 44100 -ac 2 -f flv "$file.partial.flv"
    mv "$file.partial.flv" "$file"
}

# Stops everything started here (SIGTERM, then SIGKILL to what is left, children included) and removes the hosts.
cluster_stop() {
    local pid
    for pid in "${cluster_pids[@]}"; do
        pkill -TERM -P "$pid" 2>/dev/null || true
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 50); do
        local alive=0
        for pid in "${cluster_pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [[ $alive -eq 0 ]] && break
        sleep 0.1
    done
    for pid in "${cluster_pids[@]}"; do
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
    cluster_pids=()
    "$cluster_netns" down
}
