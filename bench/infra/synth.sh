#!/usr/bin/env bash
# Measures CDK synthesis of every stack of the default deployment, in-process, as the CLI does it:
# one JVM, RUNS synthesis runs (the first is cold: jsii starts node and loads aws-cdk-lib), then
# writes the templates to OUT. Bounded: RUNS defaults to 3.
#   bench/infra/synth.sh [RUNS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
RUNS="${1:-3}"
OUT="${2:-infra/target/bench-templates}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -B -ntp -q -pl infra compile
start=$(date +%s%N)
./mvnw -B -ntp -q -pl infra org.codehaus.mojo:exec-maven-plugin:3.5.1:java \
  -Dexec.mainClass=gifmachine.infra.TemplateWriter \
  -Dexec.args="$(realpath -m "$OUT")" \
  -Dgifmachine.synth.runs="$RUNS" 2>/dev/null | grep -E '^run [0-9]+:'
end=$(date +%s%N)
echo "whole command (Maven start, JVM, $RUNS runs, writing templates): $(( (end - start) / 1000000 )) ms"
