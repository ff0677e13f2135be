#!/usr/bin/env bash
# cSidecar memory benchmark: the standalone jar with csidecar/jvm-flags.txt, watching its own
# cgroup, sending a heartbeat every second to a cDepot, scraped by wrk (4 connections) for the
# duration; prints resident memory every 5 s and its peak. Usage: bench/csidecar/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
SECONDS_TO_RUN="${1:-60}"
SIDECAR_PORT="${SIDECAR_PORT:-18080}"
CDEPOT_PORT="${CDEPOT_PORT:-18012}"
./mvnw -B -ntp -o -q -pl cdepot,csidecar package -DskipTests
mapfile -t FLAGS < <(grep -v '^\s*#' "${FLAGS_FILE:-csidecar/jvm-flags.txt}" | grep -v '^\s*$')
CDEPOT_PORT=$CDEPOT_PORT java -jar cdepot/target/cdepot-*-all.jar >/tmp/csidecar-bench-cdepot.log 2>&1 &
CDEPOT=$!
CSIDECAR_PORT=$SIDECAR_PORT CDEPOT_URL=http://127.0.0.1:$CDEPOT_PORT CSIDECAR_HEARTBEAT_SECONDS=1 \
  CSIDECAR_SAMPLE_SECONDS=1 CSIDECAR_ADVERTISE_HOST=127.0.0.1 \
  java "${FLAGS[@]}" -jar csidecar/target/csidecar-*-all.jar >/tmp/csidecar-bench.log 2>&1 &
SIDECAR=$!
trap 'kill $SIDECAR $CDEPOT 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$SIDECAR_PORT/metrics" >/dev/null && break; sleep 0.1; done
echo "flags: ${FLAGS[*]}"
wrk -t1 -c4 -d"${SECONDS_TO_RUN}s" "http://127.0.0.1:$SIDECAR_PORT/metrics" >/tmp/csidecar-bench-wrk.txt &
WRK=$!
PEAK=0
for _ in $(seq $((SECONDS_TO_RUN / 5))); do
  sleep 5
  RSS=$(awk '/VmRSS/ {print $2}' /proc/$SIDECAR/status)
  (( RSS > PEAK )) && PEAK=$RSS
  echo "RSS $((RSS / 1024)) MB"
done
wait $WRK
grep -E "Requests/sec|Non-2xx" /tmp/csidecar-bench-wrk.txt || true
echo "heartbeats: $(curl -fs "http://127.0.0.1:$SIDECAR_PORT/metrics" | grep '^csidecar_heartbeats_total')"
echo "peak RSS: $((PEAK / 1024)) MB ($PEAK kB)"
