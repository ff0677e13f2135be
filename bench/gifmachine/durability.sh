#!/usr/bin/env bash
# What durability costs POST /gif: the app against two PostgreSQL servers that differ only in
# fsync/synchronous_commit, the library's old defaults (-F, synchronous_commit=off) and local
# mode's settings now (both on). wrk runs alternate between the two (A B A B ...) so both see the
# same machine load; the medians per side close the report.
# Usage: bench/gifmachine/durability.sh   (ROUNDS=4 DURATION=5s CONNS="1 16" WARMUP=10s)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home

ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-"1 16"}
WARMUP=${WARMUP:-10s}
SECRET=bench-secret-$RANDOM$RANDOM
JAR=gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl gifmachine -am package -DskipTests
command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install -y wrk" >&2; exit 1; }

MAX_RAM=512m
source bench/gifmachine/harness.sh durability-

start_pg() { # name settings... -> port in $WORK/$name.port
  local name=$1; shift
  java -cp "$JAR" bench/gifmachine/ExternalPostgres.java "$WORK/$name" "$WORK/$name.port" "$@" \
    >"$WORK/$name-pg.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 240); do [ -s "$WORK/$name.port" ] && return; sleep 0.5; done
  echo "bench: PostgreSQL $name did not start" >&2; exit 1
}

start_app() { # name app-port
  local name=$1 port=$2
  PORT=$port GIFMACHINE_PASSWORD=$SECRET DATABASE_SSLMODE=disable \
    DATABASE_URL="postgres://postgres@127.0.0.1:$(cat "$WORK/$name.port")/postgres" \
    java "${FLAGS[@]}" -jar "$JAR" >/dev/null 2>"$WORK/$name-app.err" &
  PIDS+=($!)
  until curl -sf -o /dev/null "http://127.0.0.1:$port/gif"; do sleep 0.2; done
}

say "# POST /gif: fsync and synchronous_commit off vs on, $(date -u +%FT%TZ)"
say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
say "method: wrk -t1 -c{$CONNS} -d$DURATION -s post.lua, $ROUNDS rounds alternating off/on; app jar with the image's JVM flags"

start_pg off fsync=off synchronous_commit=off
start_pg on fsync=on synchronous_commit=on
start_app off 45801
start_app on 45802
# Warm up both JITs, alternating too: on a loaded machine 5 s left the first rounds at a tenth
# of the later ones' throughput on both sides.
for _ in 1 2 3; do
  for port in 45801 45802; do
    GIFMACHINE_PASSWORD=$SECRET wrk -t2 -c16 -d"$WARMUP" -s bench/gifmachine/post.lua "http://127.0.0.1:$port/gif" >/dev/null
  done
done

for round in $(seq "$ROUNDS"); do
  for conns in $CONNS; do
    for name in off on; do
      port=$([ "$name" = off ] && echo 45801 || echo 45802)
      out=$(GIFMACHINE_PASSWORD=$SECRET wrk -t1 -c"$conns" -d"$DURATION" --latency -s bench/gifmachine/post.lua "http://127.0.0.1:$port/gif")
      rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
      p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
      p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
      non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
      echo "$conns $name $rps" >>"$WORK/rps"
      say "round $round c$conns $name: ${rps} req/s  p50 ${p50}  p99 ${p99}  non-2xx ${non2xx:-0}  load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
for conns in $CONNS; do
  for name in off on; do
    median=$(awk -v c="$conns" -v n="$name" '$1 == c && $2 == n {print $3}' "$WORK/rps" | sort -n \
      | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
    say "median c$conns $name: $median req/s"
  done
done
say "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
