#!/usr/bin/env bash
# Old and new Gifmachine side by side in ONE run, interleaved, on one external PostgreSQL:
# start to first 200, GET /gif (with nginx serving the same JSON as a static file), search at
# ROWS rows, fan-out to CLIENTS WebSocket clients over 2 instances. See README.md.
# Usage:  OLD_JAR=/path/to/old-all.jar bench/gifmachine/compare.sh
#         (NEW_JAR defaults to this tree's jar; DURATION=10s ROWS=1000000 ROUNDS=2 STARTS=5)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home

OLD_JAR=${OLD_JAR:?set OLD_JAR to the jar to compare against (e.g. built from main)}
NEW_JAR=${NEW_JAR:-gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar}
DURATION=${DURATION:-10s}
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-2}
STARTS=${STARTS:-5}
CLIENTS=${CLIENTS:-1000}
TERMS=${TERMS:-"user42 654321 text%20999999 kangaroo"} # URL-encoded, space-separated
FANOUT=${FANOUT:-1} # 0 skips the fan-out rounds
POSTS=${POSTS:-20}
MAX_RAM=${MAX_RAM:-512m}
SECRET=bench-secret-$RANDOM$RANDOM

# Work directory, child processes, report and say(), and the image's JVM flags in FLAGS.
# shellcheck source=bench/gifmachine/harness.sh
source bench/gifmachine/harness.sh compare-
require_comparison_tools

say "# Gifmachine old vs new, interleaved, $(date -u +%FT%TZ)"
say "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load before start: $(load)"
say "java: $(java -version 2>&1 | head -1); flags: ${FLAGS[*]}"
say "old: $OLD_JAR ($(sha256sum "$OLD_JAR" | cut -c1-12)); new: $NEW_JAR ($(sha256sum "$NEW_JAR" | cut -c1-12))"

start_postgres "$NEW_JAR"

# The Ruby original's table with ROWS rows, then one copy per build (a template copy is a file
# copy): each build migrates its own, as an adopted installation.
psql_on postgres -c "CREATE DATABASE base"
original_schema_sql "$ROWS" | psql_on base
psql_on postgres -c "CREATE DATABASE old TEMPLATE base" -c "CREATE DATABASE new TEMPLATE base"
say "rows: $(psql_on base -At -c 'SELECT count(*) FROM gifs') in each of the databases old and new"

APP_PID=0
start_app() { # jar port database -> APP_PID, START_MS (launch to first 200 on GET /gif)
  local jar=$1 port=$2 db=$3 start end
  start=$(date +%s%N)
  GIFMACHINE_DRAIN_SECONDS=0 PORT=$port GIFMACHINE_PASSWORD=$SECRET DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$db" \
    DATABASE_SSLMODE=disable java "${FLAGS[@]}" -jar "$jar" >/dev/null 2>"$WORK/app-$port.err" &
  APP_PID=$!
  PIDS+=($APP_PID)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/gif")" = 200 ]; do
    kill -0 "$APP_PID" 2>/dev/null || return 1
    sleep 0.01
  done
  end=$(date +%s%N)
  START_MS=$(( (end - start) / 1000000 ))
}
stop_app() { kill "$1"; wait "$1" 2>/dev/null || true; }

must_start() { start_app "$@" || { cat "$WORK/app-$2.err" >&2; exit 1; }; }

# First start on an adopted database: the old build indexes before serving, the new one after.
if start_app "$OLD_JAR" 4571 old; then
  # An old build that also indexes after serving: let it finish before anything is measured, or
  # its CREATE INDEX CONCURRENTLY goes on in PostgreSQL after the app stops (the server does not
  # notice the client left) and every later round shares the cores with it.
  sleep 1
  if grep -q "building search index" "$WORK/app-4571.err"; then
    until grep -q "search indexes ready" "$WORK/app-4571.err"; do sleep 0.5; done
    say "first start on the adopted database, old: $START_MS ms to first 200 (indexes built after, waited for)"
  else
    say "first start on the adopted database, old: $START_MS ms to first 200 (indexes built before)"
  fi
  stop_app "$APP_PID"
else
  # Its index builds run on a pooled connection with a 30 s socket timeout: on a loaded machine
  # they outlast it and the start fails. Build them by hand so the old build can be compared.
  say "first start on the adopted database, old: FAILED ($(grep -m1 'gifmachine:' "$WORK/app-4571.err")), load $(load); its indexes built by psql instead"
  psql_on old -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" \
    -c "CREATE INDEX gifs_who_trgm ON gifs USING gin (lower(who) gin_trgm_ops)" \
    -c "CREATE INDEX gifs_meme_top_trgm ON gifs USING gin (lower(meme_top) gin_trgm_ops)" \
    -c "CREATE INDEX gifs_meme_bottom_trgm ON gifs USING gin (lower(meme_bottom) gin_trgm_ops)"
fi
t0=$(date +%s%N)
must_start "$NEW_JAR" 4581 new; NEW_FIRST=$APP_PID
say "first start on the adopted database, new: $START_MS ms to first 200 (indexes build after)"
until [ "$(psql_on new -At -c "SELECT count(*) FROM pg_index WHERE indisvalid AND indexrelid IN (to_regclass('gifs_search_fit'), to_regclass('gifs_search_long'), to_regclass('gifs_search_trgm'))")" = 3 ] \
  && grep -q "search indexes ready" "$WORK/app-4581.err"; do sleep 0.5; done
say "  new: search indexes valid and analysed $(( ($(date +%s%N) - t0) / 1000000 )) ms after launch (load $(load))"
stop_app "$NEW_FIRST"

# Steady-state starts, interleaved.
for i in $(seq "$STARTS"); do
  for which in old new; do
    if [ $which = old ]; then must_start "$OLD_JAR" 4571 old; else must_start "$NEW_JAR" 4581 new; fi
    echo "$START_MS" >>"$WORK/starts-$which"
    stop_app "$APP_PID"
  done
done
for which in $( [ "$STARTS" = 0 ] || echo old new); do
  say "start to first 200, $which: $(sort -n "$WORK/starts-$which" | tr '\n' ' ')ms (median $(median "$WORK/starts-$which") ms)"
done

must_start "$OLD_JAR" 4571 old; OLD_PID=$APP_PID
must_start "$NEW_JAR" 4581 new; NEW_PID=$APP_PID
OLD=http://127.0.0.1:4571 NEW=http://127.0.0.1:4581
# The new build once more with its search cache off: what a search costs when every page is a
# miss (a term nobody searched since the last post). An old build ignores the variable.
GIFMACHINE_SEARCH_CACHE_MB=0 must_start "$NEW_JAR" 4583 new; UNCACHED_PID=$APP_PID
UNCACHED=http://127.0.0.1:4583
curl -sf "$NEW/gif" >"$WORK/gif.json"
start_nginx

bench() { # label connections url
  local out rps p99
  out=$(wrk -t2 -c"$2" -d"$DURATION" --latency "$3")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  say "$(printf '%-34s c=%-3s %10s req/s  p99 %-9s non-2xx %-5s load %s' "$1" "$2" "$rps" "$p99" "$(awk '/Non-2xx/ {print $5}' <<<"$out")" "$(load)")"
}
# Posts a gif to $1 every 100 ms until killed: each one makes every remembered search page stale.
post_every_100ms() {
  while true; do
    curl -s -o /dev/null --data-urlencode "url=https://example.com/bench.gif" \
      --data-urlencode "meme_top=posted while searching" --data-urlencode "secret=$SECRET" "$1/gif"
    sleep 0.1
  done
}
bench_while_posting() { # label connections url posting-to
  post_every_100ms "$4" &
  local poster=$!
  bench "$1" "$2" "$3"
  kill "$poster"; wait "$poster" 2>/dev/null || true
}
for url in "$OLD" "$NEW" "$UNCACHED"; do # warm the JIT
  wrk -t2 -c16 -d5s "$url/gif" >/dev/null
  wrk -t2 -c16 -d3s "$url/search?query=user42" >/dev/null
done
for round in $(seq "$ROUNDS"); do
  say "## round $round"
  bench "GET /gif old" 64 "$OLD/gif"
  bench "GET /gif new" 64 "$NEW/gif"
  bench "GET /gif nginx static" 64 "$STATIC/gif"
  for term in $TERMS; do
    bench "GET /search $term old" 32 "$OLD/search?query=$term"
    bench "GET /search $term new" 32 "$NEW/search?query=$term"
    bench "GET /search $term new, no cache" 32 "$UNCACHED/search?query=$term"
  done
  term=${TERMS%% *}
  bench_while_posting "GET /search $term old, 10 posts/s" 32 "$OLD/search?query=$term" "$OLD"
  bench_while_posting "GET /search $term new, 10 posts/s" 32 "$NEW/search?query=$term" "$NEW"
done
say "resident after the rounds: old $(rss "$OLD_PID"), new $(rss "$NEW_PID"), new without cache $(rss "$UNCACHED_PID")"
say "new: search pages $(curl -s "$NEW/metrics" | awk '/^gifmachine_search_pages_total/ {printf "%s %s  ", $1, $2}')"
stop_app "$UNCACHED_PID"

[ "$FANOUT" = 0 ] || must_start "$OLD_JAR" 4572 old
[ "$FANOUT" = 0 ] || must_start "$NEW_JAR" 4582 new
for round in $( [ "$FANOUT" = 0 ] || seq "$ROUNDS"); do
  for which in old new; do
    if [ $which = old ]; then a=$OLD; b=http://127.0.0.1:4572; else a=$NEW; b=http://127.0.0.1:4582; fi
    say "fan-out $which, round $round, load $(load): $(java -Xss256k bench/gifmachine/FanOutBench.java "$SECRET" "$CLIENTS" "$POSTS" "$a" "$b" 2>&1 | tail -1)"
  done
done
say "report: $REPORT"
