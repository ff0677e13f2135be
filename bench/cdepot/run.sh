#!/usr/bin/env bash
# cDepot benchmark: heartbeats/s with wrk over 10,000 distinct targets, GET /targets latency with
# 10,000 targets, and resident memory; for each variant, interleaved over ROUNDS rounds so that a
# shared machine's changing load hits every variant alike.
# Usage: bench/cdepot/run.sh [duration, default 20s]
#   VARIANTS="label=jar:flags-file[:ENV=V,ENV=V] ..." (default: this tree's jar, jvm-flags.txt, the
#   fixed and virtual executors); a jar of "go" runs GO_CDEPOT (a build of the Go original's
#   request path, see README.md) instead, if present.
# Loopback only; bounded runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
DURATION="${1:-20s}"
ROUNDS="${ROUNDS:-1}"
PORT="${PORT:-18002}"
GO_CDEPOT="${GO_CDEPOT:-/tmp/perf-go/cdepot-go}"
./mvnw -B -ntp -o -q -pl cdepot package -DskipTests
JAR=$(ls cdepot/target/cdepot-*-all.jar)
VARIANTS="${VARIANTS:-fixed=$JAR:cdepot/jvm-flags.txt:CDEPOT_EXECUTOR=fixed virtual=$JAR:cdepot/jvm-flags.txt:CDEPOT_EXECUTOR=virtual}"
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
timings() { # label, then times in seconds: median and max in ms
  local label=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v l="$label" '{t[NR]=$1*1000} END {printf "%s (%d runs): median %.1f ms, max %.1f ms\n", l, NR, t[int(NR/2)+1], t[NR]}'
}

for ((round = 1; round <= ROUNDS; round++)); do
  for variant in $VARIANTS; do
    label=${variant%%=*}; rest=${variant#*=}
    IFS=: read -r jar flags_file envs <<<"$rest"
    if [[ $jar == go ]]; then
      if [[ ! -x $GO_CDEPOT ]]; then echo "== $label: skipped, no $GO_CDEPOT"; continue; fi
      PORT=$PORT "$GO_CDEPOT" >/tmp/cdepot-bench.log 2>&1 &
      describe="Go original's request path ($GO_CDEPOT)"
    else
      mapfile -t flags < <(grep -v '^\s*#' "$flags_file" | grep -v '^\s*$')
      IFS=, read -r -a extra_env <<<"${envs:-}"
      env "${extra_env[@]}" CDEPOT_PORT=$PORT CDEPOT_TTL_SECONDS=300 CDEPOT_MAX_TARGETS=10100 \
        java "${flags[@]}" -jar "$jar" >/tmp/cdepot-bench.log 2>&1 &
      describe="${extra_env[*]:-} java ${flags[*]} -jar $jar"
    fi
    PID=$!
    trap 'kill $PID 2>/dev/null || true' EXIT
    for _ in $(seq 100); do
      curl -s -o /dev/null -X POST -d '{"localIP":"192.168.1.1:80"}' "http://127.0.0.1:$PORT/alive" && break
      sleep 0.1
    done
    echo "== round $round, $label: $describe"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    # Warm-up registers all 10,000 targets and lets the JIT settle; then the measured run.
    wrk -t2 -c32 -d5s -s bench/cdepot/heartbeats.lua "http://127.0.0.1:$PORT" >/dev/null
    wrk -t2 -c32 -d"$DURATION" -s bench/cdepot/heartbeats.lua "http://127.0.0.1:$PORT" | tail -1
    if [[ $jar != go ]]; then
      echo "targets registered: $(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^cdepot_targets / {print $2}')"
      TIMES=()
      for _ in $(seq 30); do
        TIMES+=("$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/targets")")
      done
      timings "GET /targets" "${TIMES[@]}"
      # After a change the body is rendered again: a new target before each request.
      TIMES=()
      for n in $(seq 30); do
        curl -fs -X POST "http://127.0.0.1:$PORT/alive" -d "{\"localIP\":\"192.168.0.$n:8080\"}" >/dev/null
        TIMES+=("$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/targets")")
      done
      timings "GET /targets after a change" "${TIMES[@]}"
    fi
    echo "RSS with 10,000 targets: $(( $(rss_kb $PID) / 1024 )) MB"
    kill $PID; wait $PID 2>/dev/null || true
    trap - EXIT
  done
done
