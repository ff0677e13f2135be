#!/usr/bin/env bash
# cDepot benchmark: heartbeats/s with wrk over 10,000 distinct targets, GET /targets latency with
# 10,000 targets, and resident memory; for each variant, interleaved over ROUNDS rounds so that a
# shared machine's changing load hits every variant alike.
# Usage: bench/cdepot/run.sh [duration, default 20s]
#   VARIANTS="label=jar:flags-file[:ENV=V,ENV=V] ..." (default: this tree's jar, jvm-flags.txt, the
#   inline and virtual executors); a jar of "go" runs the Go binary named in the flags-file field
#   (default GO_CDEPOT; a build of the Go original, see README.md) instead, if present.
# Loopback only; bounded runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
DURATION="${1:-20s}"
WARMUP="${WARMUP:-5s}"
ROUNDS="${ROUNDS:-1}"
PORT="${PORT:-18002}"
GO_CDEPOT="${GO_CDEPOT:-/tmp/perf-go/cdepot-go}"
./mvnw -B -ntp -o -q -pl cdepot package -DskipTests
JAR=$(ls cdepot/target/cdepot-*-all.jar)
VARIANTS="${VARIANTS:-inline=$JAR:cdepot/jvm-flags.txt:CDEPOT_EXECUTOR=inline virtual=$JAR:cdepot/jvm-flags.txt:CDEPOT_EXECUTOR=virtual}"
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of every thread
timings() { # label, then times in seconds: median and max in ms
  local label=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v l="$label" '{t[NR]=$1*1000} END {printf "%s (%d runs): median %.1f ms, max %.1f ms\n", l, NR, t[int(NR/2)+1], t[NR]}'
}

for ((round = 1; round <= ROUNDS; round++)); do
  for variant in $VARIANTS; do
    label=${variant%%=*}; rest=${variant#*=}
    IFS=: read -r jar flags_file envs <<<"$rest"
    if [[ $jar == go ]]; then
      binary=${flags_file:-$GO_CDEPOT}
      if [[ ! -x $binary ]]; then echo "== $label: skipped, no $binary"; continue; fi
      # The original writes targets.json into its working directory and prints every heartbeat
      # to stdout: a scratch directory, and stdout to /dev/null (the cheapest place for it).
      go_dir=$(mktemp -d)
      (cd "$go_dir" && PORT=$PORT exec "$binary" >/dev/null 2>/tmp/cdepot-bench.log) &
      describe="Go ($binary)"
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
    echo "before: $(uptime)"
    # Warm-up registers all 10,000 targets and lets the JIT settle; then the measured run.
    wrk -t2 -c32 -d"$WARMUP" -s bench/cdepot/heartbeats.lua "http://127.0.0.1:$PORT" >/dev/null
    # CPU time the server spent per heartbeat (user + system, JIT and GC threads included): on a
    # shared machine it moves far less with the load than heartbeats/s does.
    ticks_before=$(cpu_ticks $PID)
    result=$(wrk -t2 -c32 -d"$DURATION" -s bench/cdepot/heartbeats.lua "http://127.0.0.1:$PORT" | tail -1)
    ticks_after=$(cpu_ticks $PID)
    echo "$result"
    awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v r="${result##*requests: }" \
      'BEGIN {printf "server CPU per 1,000 heartbeats: %.1f ms (%.1f s over %d)\n", t / hz * 1e6 / r, t / hz, r}'
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
    if [[ $jar == go ]]; then rm -rf "$go_dir"; fi
  done
done
