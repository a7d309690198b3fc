#!/bin/bash
# HTTP-FLV viewer churn against a ringcast process under glibc heap checks (issue 11, finding 1), RUNS times in a row.
# Each run: a server child JVM with MALLOC_CHECK_=3 and a random MALLOC_PERTURB_, default limits, ffmpeg publishing
# live/x, then LOOPS loops x CYCLES cycles of GET /live/x.flv + close from 127.0.0.1 (io.ringcast.web.testing.ViewerChurn).
# Prints one line per run (alive or DEAD, what the churn saw, the http.refused.* counters) and exits 1 on a crash.
# usage: web/src/test/scripts/viewer-churn-glibc.sh [RUNS=10] [LOOPS=2] [CYCLES=10000]   (from the repository root)
# HTTP_EXTRA adds lines to [http], e.g. HTTP_EXTRA='new_connections_per_ip_per_second = 0' admits the whole churn.
set -u
RUNS=${1:-10}; LOOPS=${2:-2}; CYCLES=${3:-10000}
ROOT=$(pwd); OUT=$(mktemp -d /tmp/ringcast-churn.XXXX)
mvn -B -q -o -pl web -am test-compile dependency:build-classpath -Dmdep.outputFile=$OUT/cp.txt \
    -Dmdep.includeScope=test -Djacoco.skip=true >/dev/null || exit 2
CP="$ROOT/web/target/classes:$ROOT/web/target/test-classes:$(cat $OUT/cp.txt)"
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
crashes=0
for run in $(seq $RUNS); do
  DIR=$OUT/run-$run; mkdir -p $DIR
  RTMP=$(port); HTTP=$(port)
  printf '[rtmp]\naddress = "127.0.0.1"\n[http]\naddress = "127.0.0.1"\n%s\n' "${HTTP_EXTRA:-}" > $DIR/config.toml
  MALLOC_CHECK_=3 MALLOC_PERTURB_=$((RANDOM % 254 + 1)) java -cp "$CP" io.ringcast.web.RingcastMain \
    --config $DIR/config.toml --rtmp-port $RTMP --http-port $HTTP > $DIR/server.log 2>&1 &
  SERVER=$!
  for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$HTTP/api/server && break; sleep 0.2; done
  ffmpeg -hide_banner -nostats -loglevel error -re -f lavfi -i testsrc2=size=320x240:rate=25 \
    -f lavfi -i sine=frequency=440:sample_rate=44100 -t 120 -c:v libx264 -preset ultrafast -tune zerolatency \
    -pix_fmt yuv420p -g 50 -b:v 500k -c:a aac -b:a 64k -f flv rtmp://127.0.0.1:$RTMP/live/x > $DIR/ffmpeg.log 2>&1 &
  FFMPEG=$!
  for i in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 http://127.0.0.1:$HTTP/live/x.flv)" = 200 ] && break
    sleep 0.2
  done
  timeout 300 java -cp "$CP" io.ringcast.web.testing.ViewerChurn 127.0.0.1 $HTTP /live/x.flv $LOOPS $CYCLES \
    > $DIR/churn.log 2>&1
  if kill -0 $SERVER 2>/dev/null; then STATE=alive; else STATE=DEAD; crashes=$((crashes + 1)); fi
  # Asked from 127.0.0.2: 127.0.0.1 may still be over its new-connection rate right after the churn.
  REFUSED=$(curl -s --max-time 2 --interface 127.0.0.2 http://127.0.0.1:$HTTP/api/server \
    | grep -o '"http.refused[^,}]*' | tr '\n' ' ')
  kill $FFMPEG $SERVER 2>/dev/null; wait $SERVER 2>/dev/null
  echo "run $run: $STATE churn=$(tail -1 $DIR/churn.log) $REFUSED $(grep -m1 -E 'corrupt|free\(\)|fatal error' $DIR/server.log)"
done
echo "$((RUNS - crashes)) of $RUNS runs survived (logs in $OUT)"
[ $crashes = 0 ]
