#!/usr/bin/env bash
# What the request log costs GET /gif, old build against new, in one run: both apps on one
# PostgreSQL, stdout (the request log) to a file each, wrk runs alternating old, new, old, new
# so both see the same machine load; medians per side close the report. Made for issue 14:
# RequestLog's hand-written JSON became Jackson's, and whether its 64 KB buffer and flusher
# thread earn their keep against a write per line was measured with it (docs/benchmarks.md).
# Usage: OLD_JAR=/path/to/old-all.jar bench/gifmachine/request-log.sh
#        (NEW_JAR defaults to this tree's jar; ROUNDS=6 DURATION=10s CONNS=64 WARMUP=10s)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home

OLD_JAR=${OLD_JAR:?set OLD_JAR to the jar to compare against (e.g. built from main)}
NEW_JAR=${NEW_JAR:-gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar}
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
WARMUP=${WARMUP:-10s}
SECRET=bench-secret-$RANDOM$RANDOM
command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install -y wrk" >&2; exit 1; }

MAX_RAM=512m
source bench/gifmachine/harness.sh request-log-
load() { cut -d' ' -f1-3 /proc/loadavg; }

java -cp "$NEW_JAR" bench/gifmachine/ExternalPostgres.java "$WORK/pg" "$WORK/pgport" >"$WORK/pg.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 240); do [ -s "$WORK/pgport" ] && break; sleep 0.5; done
PGPORT=$(cat "$WORK/pgport")
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE old" -c "CREATE DATABASE new"

start_app() { # name jar port
  local name=$1 jar=$2 port=$3
  PORT=$port GIFMACHINE_PASSWORD=$SECRET DATABASE_SSLMODE=disable \
    DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$name" \
    java "${FLAGS[@]}" -jar "$jar" >"$WORK/$name-requests.log" 2>"$WORK/$name-app.err" &
  PIDS+=($!)
  until curl -sf -o /dev/null "http://127.0.0.1:$port/gif"; do sleep 0.2; done
  curl -sf -o /dev/null -d url=https://example.com/a.gif -d who=bench -d meme_top=request \
    -d meme_bottom=log -d secret="$SECRET" "http://127.0.0.1:$port/gif"
}

say "# GET /gif with the request log: old vs new, $(date -u +%FT%TZ)"
say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load before: $(load)"
say "old: $OLD_JAR ($(sha256sum "$OLD_JAR" | cut -c1-12)); new: $NEW_JAR ($(sha256sum "$NEW_JAR" | cut -c1-12))"
say "method: wrk -t2 -c$CONNS -d$DURATION GET /gif, $ROUNDS rounds alternating old/new after ${WARMUP} warm-ups;"
say "        the image's JVM flags; each app's stdout (its request log) to a file"

start_app old "$OLD_JAR" 45811
start_app new "$NEW_JAR" 45812
for _ in 1 2; do
  for port in 45811 45812; do wrk -t2 -c16 -d"$WARMUP" "http://127.0.0.1:$port/gif" >/dev/null; done
done

for round in $(seq "$ROUNDS"); do
  for name in old new; do
    port=$([ "$name" = old ] && echo 45811 || echo 45812)
    before=$(wc -l <"$WORK/$name-requests.log")
    out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$port/gif")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    sleep 0.5 # the old build flushes its buffer every 200 ms
    lines=$(( $(wc -l <"$WORK/$name-requests.log") - before ))
    echo "$name $rps" >>"$WORK/rps"
    say "round $round $name: ${rps} req/s  p99 ${p99}  requests ${requests}, log lines ${lines}  load $(load)"
  done
done
for name in old new; do
  median=$(awk -v n="$name" '$1 == n {print $2}' "$WORK/rps" | sort -n \
    | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
  say "median $name: $median req/s"
done
say "sample line, old: $(tail -1 "$WORK/old-requests.log")"
say "sample line, new: $(tail -1 "$WORK/new-requests.log")"
say "load after: $(load)"
