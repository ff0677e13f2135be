#!/usr/bin/env bash
# Old and new Gifmachine side by side in ONE run, interleaved round by round, on one external
# PostgreSQL: GET /gif (with nginx serving the same JSON as a static file) and the fan-out of a
# post to CLIENTS WebSocket clients over 2 instances. The two figures issue 12 sets for them;
# compare.sh measures everything else (search at a million rows, starts). See README.md.
# Usage:  OLD_JAR=/path/to/old-all.jar bench/gifmachine/fanout-get.sh
#         (NEW_JAR defaults to this tree's jar; ROUNDS=3 DURATION=10s CLIENTS=1000 POSTS=20
#          ROWS=1000; PROFILE=1 records a JFR file of each new instance into the results folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home

OLD_JAR=${OLD_JAR:?set OLD_JAR to the jar to compare against (e.g. built from main)}
NEW_JAR=${NEW_JAR:-gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar}
DURATION=${DURATION:-10s}
ROWS=${ROWS:-1000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-1000}
POSTS=${POSTS:-20}
PROFILE=${PROFILE:-0}
# The fan-out client (FanOutBench.java): uncounted warm-up posts and a young generation that
# holds the whole run, so its own JIT warm-up and GC pauses stay out of the figures
# (WARMUP=0 CLIENT_JVM=-Xss256k measures as compare.sh and the runs before Stop 9 did).
WARMUP=${WARMUP:-10}
CLIENT_JVM=${CLIENT_JVM:--Xss256k -XX:+UseSerialGC -Xms1g -Xmn768m}
MAX_RAM=${MAX_RAM:-512m}
SECRET=bench-secret-$RANDOM$RANDOM

# shellcheck source=bench/gifmachine/harness.sh
source bench/gifmachine/harness.sh fanout-get-
# The old build's flags may differ (e.g. OLD_FLAGS_FILE=<(git show main:gifmachine/jvm-flags.txt)).
mapfile -t OLD_FLAGS < <(jvm_flags "${OLD_FLAGS_FILE:-gifmachine/jvm-flags.txt}")
require_comparison_tools

say "# Gifmachine GET /gif and fan-out, old vs new interleaved, $(date -u +%FT%TZ)"
say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load before start: $(load)"
say "java: $(java -version 2>&1 | head -1); flags, new: ${FLAGS[*]}; old: ${OLD_FLAGS[*]}"
say "old: $OLD_JAR ($(sha256sum "$OLD_JAR" | cut -c1-12)); new: $NEW_JAR ($(sha256sum "$NEW_JAR" | cut -c1-12))"
say "rounds $ROUNDS, wrk -t2 -c64 -d$DURATION, fan-out $CLIENTS clients over 2 instances, $POSTS posts counted after $WARMUP, client JVM: $CLIENT_JVM, $ROWS rows"

start_postgres "$NEW_JAR"
psql_on postgres -c "CREATE DATABASE base"
original_schema_sql "$ROWS" | psql_on base
psql_on postgres -c "CREATE DATABASE old TEMPLATE base" -c "CREATE DATABASE new TEMPLATE base"

start_app() { # jar port database [extra JVM flags...]
  local jar=$1 port=$2 db=$3 flags=("${FLAGS[@]}")
  [ "$db" = old ] && flags=("${OLD_FLAGS[@]}")
  GIFMACHINE_DRAIN_SECONDS=0 PORT=$port GIFMACHINE_PASSWORD=$SECRET DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$db" \
    DATABASE_SSLMODE=disable java "${flags[@]}" "${@:4}" -jar "$jar" >/dev/null 2>"$WORK/app-$port.err" &
  PIDS+=($!)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/gif")" = 200 ]; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$WORK/app-$port.err" >&2; exit 1; }
    sleep 0.05
  done
}
JFR=()
if [ "$PROFILE" = 1 ]; then
  JFR_BASE=$PWD/${REPORT%.txt}
  JFR=("-XX:StartFlightRecording=settings=profile,filename=$JFR_BASE-new")
fi
# One instance at a time: the second migrates nothing its twin has not.
start_app "$OLD_JAR" 4571 old
start_app "$OLD_JAR" 4572 old
start_app "$NEW_JAR" 4581 new ${JFR:+"${JFR[0]}-1.jfr"}
start_app "$NEW_JAR" 4582 new ${JFR:+"${JFR[0]}-2.jfr"}
OLD=http://127.0.0.1:4571 NEW=http://127.0.0.1:4581

curl -sf "$NEW/gif" >"$WORK/gif.json"
cmp -s "$WORK/gif.json" <(curl -sf "$OLD/gif") || say "note: old and new answer GET /gif differently"
start_nginx

bench() { # label url
  local out rps p99
  out=$(wrk -t2 -c64 -d"$DURATION" --latency "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$rps" >>"$WORK/rps-$1"
  say "$(printf 'GET /gif %-7s %10s req/s  p99 %-9s non-2xx %-5s load %s' "$1" "$rps" "$p99" "$(awk '/Non-2xx/ {print $5}' <<<"$out")" "$(load)")"
}
fanout() { # label first-instance second-instance
  local line
  # shellcheck disable=SC2086 # CLIENT_JVM is a list of flags
  line=$(java $CLIENT_JVM -Dwarmup="$WARMUP" bench/gifmachine/FanOutBench.java "$SECRET" "$CLIENTS" "$POSTS" "$2" "$3" 2>&1 | tail -2 | tr "\n" " ")
  say "fan-out $1, load $(load): $line"
  sed -n 's/.*p99 \([0-9.]*\) ms, max.*/\1/p' <<<"$line" >>"$WORK/p99-$1"
}
for url in "$OLD" "$NEW" "$STATIC"; do wrk -t2 -c64 -d10s "$url/gif" >/dev/null; done # warm the JIT
# Warm each build's send path too (a few posts to 100 clients); not reported.
java -Xss256k bench/gifmachine/FanOutBench.java "$SECRET" 100 5 "$OLD" http://127.0.0.1:4572 >/dev/null
java -Xss256k bench/gifmachine/FanOutBench.java "$SECRET" 100 5 "$NEW" http://127.0.0.1:4582 >/dev/null
for round in $(seq "$ROUNDS"); do
  say "## round $round"
  # Alternate which build goes first, so neither always follows the same neighbour.
  if [ $((round % 2)) = 1 ]; then order="old new"; else order="new old"; fi
  for which in $order; do
    if [ "$which" = old ]; then bench old "$OLD/gif"; else bench new "$NEW/gif"; fi
  done
  bench nginx "$STATIC/gif"
  for which in $order; do
    if [ "$which" = old ]; then fanout old "$OLD" http://127.0.0.1:4572; else fanout new "$NEW" http://127.0.0.1:4582; fi
  done
done
say "resident memory after the rounds: old $(rss "${PIDS[1]}") and $(rss "${PIDS[2]}"), new $(rss "${PIDS[3]}") and $(rss "${PIDS[4]}")"
say "## medians over $ROUNDS rounds"
say "GET /gif req/s: old $(median "$WORK/rps-old"), new $(median "$WORK/rps-new"), nginx $(median "$WORK/rps-nginx");" \
  "new/nginx $(awk -v a="$(median "$WORK/rps-new")" -v b="$(median "$WORK/rps-nginx")" 'BEGIN {printf "%.2f", a/b}')," \
  "old/nginx $(awk -v a="$(median "$WORK/rps-old")" -v b="$(median "$WORK/rps-nginx")" 'BEGIN {printf "%.2f", a/b}')"
say "fan-out p99 ms: old $(median "$WORK/p99-old"), new $(median "$WORK/p99-new")"
if [ "$PROFILE" = 1 ]; then
  for pid in "${PIDS[@]:3:2}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
  say "JFR: $JFR_BASE-new-1.jfr, $JFR_BASE-new-2.jfr"
fi
say "report: $REPORT"
