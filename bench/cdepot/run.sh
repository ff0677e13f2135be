#!/usr/bin/env bash
# cDepot benchmark: heartbeats/s with wrk over 10,000 distinct targets, GET /targets latency with
# 10,000 targets, and resident memory; once per HTTP executor (fixed pool, virtual threads).
# Usage: bench/cdepot/run.sh [duration, default 20s]. Loopback only; bounded runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
DURATION="${1:-20s}"
PORT="${PORT:-18002}"
./mvnw -B -ntp -o -q -pl cdepot package -DskipTests
JAR=$(ls cdepot/target/cdepot-*-all.jar)
mapfile -t FLAGS < <(grep -v '^\s*#' cdepot/jvm-flags.txt | grep -v '^\s*$')
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

for EXECUTOR in ${EXECUTORS:-fixed virtual}; do
  CDEPOT_PORT=$PORT CDEPOT_EXECUTOR=$EXECUTOR CDEPOT_TTL_SECONDS=300 CDEPOT_MAX_TARGETS=10100 \
    java "${FLAGS[@]}" -jar "$JAR" >/tmp/cdepot-bench.log 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null || true' EXIT
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  echo "== executor: $EXECUTOR (flags: ${FLAGS[*]})"
  # Warm-up registers all 10,000 targets and lets the JIT settle; then the measured run.
  wrk -t2 -c32 -d5s -s bench/cdepot/heartbeats.lua "http://127.0.0.1:$PORT" >/dev/null
  wrk -t2 -c32 -d"$DURATION" -s bench/cdepot/heartbeats.lua "http://127.0.0.1:$PORT" | tail -1
  echo "targets registered: $(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^cdepot_targets / {print $2}')"
  TIMES=()
  for _ in $(seq 30); do
    TIMES+=("$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/targets")")
  done
  printf '%s\n' "${TIMES[@]}" | sort -n | awk '{t[NR]=$1*1000} END {printf "GET /targets (%d runs): median %.1f ms, max %.1f ms\n", NR, t[int(NR/2)+1], t[NR]}'
  # After a change the body is rendered again: a new target before each request.
  TIMES=()
  for n in $(seq 30); do
    curl -fs -X POST "http://127.0.0.1:$PORT/alive" -d "{\"localIP\":\"192.168.0.$n:8080\"}" >/dev/null
    TIMES+=("$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/targets")")
  done
  printf '%s\n' "${TIMES[@]}" | sort -n | awk '{t[NR]=$1*1000} END {printf "GET /targets after a change (%d runs): median %.1f ms, max %.1f ms\n", NR, t[int(NR/2)+1], t[NR]}'
  echo "GET /targets size: $(curl -fs "http://127.0.0.1:$PORT/targets" | wc -c) bytes"
  echo "RSS with 10,000 targets: $(( $(rss_kb $PID) / 1024 )) MB"
  kill $PID; wait $PID 2>/dev/null || true
  trap - EXIT
done
