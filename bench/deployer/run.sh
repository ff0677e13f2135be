#!/usr/bin/env bash
# Deployer benchmark: the CLI's own time for a full `up`, `up` with nothing changed, and `down`
# of the real synthesized stacks against moto (the end-to-end test UpDownMotoIT, which starts
# moto_server, a loopback docker-registry and a local Gifmachine), plus synthesis time as the CLI
# sees it and image push time. Bounded: one run of each command per round, ROUNDS rounds (default 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source scripts/java-home
rounds="${ROUNDS:-1}"
out="$root/bench/deployer/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
for i in $(seq 1 "$rounds"); do
  ./mvnw -B -ntp -q -pl cli -am verify -Dtest='None*' -Dit.test='UpDownMotoIT' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false >/dev/null
  grep -h '^BENCH' cli/target/failsafe-reports/gifmachine.cli.command.UpDownMotoIT-output.txt | tee -a "$out"
done
echo "results in $out" >&2
