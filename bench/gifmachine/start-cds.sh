#!/usr/bin/env bash
# Start to first 200 on GET /gif with an external PostgreSQL: old jar, new jar, and the new jar
# with an application class-data-sharing archive (AppCDS, what an image could ship), and the new
# jar with a JDK 25 AOT cache (JEP 483/514: classes loaded and linked, plus method profiles),
# STARTS times each, interleaved. The archive is made by one training start of the new jar with
# -XX:ArchiveClassesAtExit (a dynamic archive: needs the very JVM build that will use it), the
# AOT cache by one with -XX:AOTCacheOutput (JDK 25's one-step training; same rule).
# Usage: OLD_REF=<commit> bench/gifmachine/start-cds.sh   (builds the old jar from that commit)
#        OLD_JAR=/tmp/old-all.jar bench/gifmachine/start-cds.sh
# NEW_JAR=<jar> (default: this tree's, built first), STARTS=7
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
STARTS=${STARTS:-7}
WORK=$(mktemp -d /tmp/gifmachine-cds.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
if [ -z "${NEW_JAR:-}" ]; then # this tree's jar, built now so that it is never stale
  ./mvnw -B -ntp -q -o -pl gifmachine -am package -DskipTests -Dspotless.check.skip=true
  NEW_JAR=gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar
fi
if [ -z "${OLD_JAR:-}" ]; then
  # The old build from a commit, out of a copy of its tree (no checkout, no worktree touched).
  OLD_REF=${OLD_REF:?set OLD_REF to a commit (e.g. main before the change) or OLD_JAR to a jar}
  mkdir -p "$WORK/old-src"
  git archive "$OLD_REF" | tar -x -C "$WORK/old-src"
  (cd "$WORK/old-src" && ./mvnw -B -ntp -q -o -pl gifmachine -am package -DskipTests -Dspotless.check.skip=true)
  OLD_JAR=$WORK/old-all.jar
  cp "$WORK/old-src/gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar" "$OLD_JAR"
  rm -rf "$WORK/old-src"
fi
mkdir -p bench/gifmachine/results
REPORT=bench/gifmachine/results/start-$(date -u +%Y%m%dT%H%M%SZ).txt
say() { echo "$*" | tee -a "$REPORT"; }
mapfile -t FLAGS < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' gifmachine/jvm-flags.txt)
FLAGS+=("-XX:MaxRAM=512m")
say "# start to first 200, $(date -u +%FT%TZ); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "java: $(java -version 2>&1 | head -1)"
say "old: ${OLD_REF:-$OLD_JAR} ($(sha256sum "$OLD_JAR" | cut -c1-12)); new: $NEW_JAR ($(sha256sum "$NEW_JAR" | cut -c1-12))"
java -cp "$NEW_JAR" bench/gifmachine/ExternalPostgres.java "$WORK/pg" "$WORK/pgport" >"$WORK/pg.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do [ -s "$WORK/pgport" ] && break; sleep 0.5; done
URL="postgres://postgres@127.0.0.1:$(cat "$WORK/pgport")/postgres"
run() { # label jar [extra jvm flags...] -> prints ms to first 200, then stops the app
  local jar=$2 start end pid; shift 2
  start=$(date +%s%N)
  GIFMACHINE_DRAIN_SECONDS=0 PORT=4598 GIFMACHINE_PASSWORD=x DATABASE_URL=$URL DATABASE_SSLMODE=disable \
    java "${FLAGS[@]}" "$@" -jar "$jar" >/dev/null 2>"$WORK/app.err" &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:4598/gif; do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/app.err" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}
run migrate "$NEW_JAR" >/dev/null                       # migrate once, off the clock
run train "$NEW_JAR" "-XX:ArchiveClassesAtExit=$WORK/app.jsa" >/dev/null
run train "$NEW_JAR" "-XX:AOTCacheOutput=$WORK/app.aot" >/dev/null
say "archive: $(du -h "$WORK/app.jsa" | cut -f1), AOT cache: $(du -h "$WORK/app.aot" | cut -f1)"
for i in $(seq "$STARTS"); do
  echo "$(run old "$OLD_JAR")" >>"$WORK/old"
  echo "$(run new "$NEW_JAR")" >>"$WORK/new"
  echo "$(run cds "$NEW_JAR" "-XX:SharedArchiveFile=$WORK/app.jsa")" >>"$WORK/cds"
  echo "$(run aot "$NEW_JAR" "-XX:AOTCache=$WORK/app.aot")" >>"$WORK/aot"
  say "round $i: old $(tail -1 "$WORK/old") ms, new $(tail -1 "$WORK/new") ms, new+AppCDS $(tail -1 "$WORK/cds") ms, new+AOT cache $(tail -1 "$WORK/aot") ms, load $(cut -d' ' -f1 /proc/loadavg)"
done
for v in old new cds aot; do
  say "$v: median $(sort -n "$WORK/$v" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms (all: $(sort -n "$WORK/$v" | tr '\n' ' '))"
done
say "report: $REPORT"
