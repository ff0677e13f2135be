# Shared by the Gifmachine benchmark scripts (source it from the repository root after
# setting MAX_RAM): a work directory and child processes cleaned up on exit, a report that
# say() writes to as well as stdout, and the image's JVM flags in FLAGS.
# Usage: source bench/gifmachine/harness.sh REPORT_PREFIX
WORK=$(mktemp -d /tmp/gifmachine-bench.XXXXXX)
mkdir -p bench/gifmachine/results
REPORT=bench/gifmachine/results/${1:-}$(date -u +%Y%m%dT%H%M%SZ).txt
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "$*" | tee -a "$REPORT"; }

# JVM flags exactly as the image uses them, plus the container size.
mapfile -t FLAGS < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' gifmachine/jvm-flags.txt)
FLAGS+=("-XX:MaxRAM=$MAX_RAM")
