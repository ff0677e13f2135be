#!/usr/bin/env bash
# Before and after draining, interleaved: the zero-downtime scenario (two instances behind
# haproxy, SIGTERM to one under load) against the Gifmachine jar of BEFORE (a git ref, default
# the commit before draining) and of the working tree. Usage: bench/drain/run.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
ROUNDS="${1:-3}"
BEFORE_REF="${BEFORE_REF:-a63deab}"
WORK="$(mktemp -d /tmp/drain-bench.XXXXXX)"
if [ -z "${BEFORE_JAR:-}" ]; then
  git archive "$BEFORE_REF" | tar -x -C "$WORK"
  (cd "$WORK" && ./mvnw -B -ntp -q -pl gifmachine -am package -DskipTests)
  BEFORE_JAR="$(ls "$WORK"/gifmachine/target/gifmachine-*-all.jar)"
fi
./mvnw -B -ntp -q -pl gifmachine -am package -DskipTests
./mvnw -B -ntp -q -pl gifmachine dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/classpath.txt"
AFTER_JAR="$(ls "$PWD"/gifmachine/target/gifmachine-*-all.jar)"
REPORT="bench/drain/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; before: $BEFORE_REF; after: $(git rev-parse --short HEAD)"
  echo "load at start: $(uptime)"
  (cd gifmachine && java -cp "target/test-classes:target/classes:$(cat "$WORK/classpath.txt")" \
    gifmachine.app.ZeroDowntimeBench "$BEFORE_JAR" "$AFTER_JAR" "$ROUNDS" 2>"$WORK/bench.err" \
    | grep --line-buffered -E '^(before|after) round|^zero-downtime')
  echo "load at end: $(uptime)"
} | tee "$REPORT"
