# shellcheck shell=bash
# Sourced by the perf benchmarks (side-by-side, crowd, slow-viewers, heap-per-viewer): runs one ringcast server
# from web/target/dist with perf/bench.toml on loopback, stops it, and runs the load generator. The caller builds
# web first and stops the server on exit:
#   source "$root/perf/lib/server.sh"
#   trap ringcast_stop EXIT
#   ringcast_start "$out/ringcast.log" 19935 18935 -XX:+UseZGC -Xlog:gc:file="$out/gc.log"
#   ... "$ringcast_pid" ...

ringcast_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Pid of the running server; empty when none runs.
ringcast_pid=""

# ringcast_start LOG_FILE RTMP_PORT HTTP_PORT [JVM_FLAG...]
# Starts the server in the background with its output in LOG_FILE, sets ringcast_pid and returns once
# GET /api/server answers; fails when the server exits or has not answered within 20 s. The configuration is
# perf/bench.toml unless RINGCAST_CONFIG names another file; the jars are web/target/dist/lib's unless RINGCAST_LIB
# names another build's.
ringcast_start() {
    local log_file="$1" rtmp_port="$2" http_port="$3"
    shift 3
    java "$@" -cp "${RINGCAST_LIB:-$ringcast_root/web/target/dist/lib}/*" io.ringcast.web.RingcastMain \
        --config "${RINGCAST_CONFIG:-$ringcast_root/perf/bench.toml}" --rtmp-port "$rtmp_port" --http-port "$http_port" \
        >"$log_file" 2>&1 &
    ringcast_pid=$!
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$http_port/api/server" >/dev/null && return 0
        if ! kill -0 "$ringcast_pid" 2>/dev/null; then
            ringcast_pid=""
            echo "ringcast did not start, see $log_file" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "ringcast did not answer on port $http_port within 20 s, see $log_file" >&2
    return 1
}

# Stops the server with SIGTERM (it drains its viewers) and waits for it to exit; does nothing when none runs.
ringcast_stop() {
    if [[ -n "$ringcast_pid" ]]; then
        kill -TERM "$ringcast_pid" 2>/dev/null || true
        wait "$ringcast_pid" 2>/dev/null || true
        ringcast_pid=""
    fi
}

# loadgen [ARG...]: runs perf/loadgen's generator (io.ringcast.perf.load.LoadGenerator) in the foreground from the
# built perf module, with LOADGEN_JAVA_OPTS as extra JVM flags; the caller builds perf first.
loadgen() {
    # shellcheck disable=SC2086
    java ${LOADGEN_JAVA_OPTS:-} -cp "$ringcast_root/perf/target/classes:$ringcast_root/perf/target/lib/*" \
        io.ringcast.perf.load.LoadGenerator "$@"
}

# stop_loadgen PID: stops a load generator started in the background (loadgen ... &), where PID is the shell that
# runs the function and the JVM is its child.
stop_loadgen() {
    pkill -TERM -P "$1" 2>/dev/null || true
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
