#!/usr/bin/env bash
# cSidecar memory benchmark: one or more sidecar variants side by side (same run, same load),
# each the standalone jar reading a stand-in ECS metadata endpoint (SOURCE=ecs, the default: the
# test fixtures served by fake_metadata.py) or watching its own cgroup (SOURCE=cgroup), sending a heartbeat every second to one cDepot
# and scraped like Prometheus (GET /metrics every SCRAPE_SECONDS). Samples VmRSS every second and
# prints, per variant, the peak and the steady state (median of the second half of the run).
# Usage: bench/csidecar/run.sh [seconds, default 180]
#   VARIANTS="label=jar:flags-file[:ENV=V,ENV=V] ..." (default: this tree's jar and jvm-flags.txt)
# Loopback only; bounded runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/java-home
SECONDS_TO_RUN="${1:-180}"
SCRAPE_SECONDS="${SCRAPE_SECONDS:-2}"
CDEPOT_PORT="${CDEPOT_PORT:-18012}"
FIRST_PORT="${SIDECAR_PORT:-18080}"
METADATA_PORT="${METADATA_PORT:-18019}"
SOURCE="${SOURCE:-ecs}"
./mvnw -B -ntp -o -q -pl cdepot,csidecar package -DskipTests
VARIANTS="${VARIANTS:-current=$(ls csidecar/target/csidecar-*-all.jar):csidecar/jvm-flags.txt}"
OUT=$(mktemp -d /tmp/csidecar-bench.XXXXXX)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT

CDEPOT_PORT=$CDEPOT_PORT java -jar cdepot/target/cdepot-*-all.jar >"$OUT/cdepot.log" 2>&1 &
PIDS+=($!)
SOURCE_ENV=()
if [[ $SOURCE == ecs ]]; then
  python3 bench/csidecar/fake_metadata.py "$METADATA_PORT" &
  PIDS+=($!)
  SOURCE_ENV=(ECS_CONTAINER_METADATA_URI_V4=http://127.0.0.1:$METADATA_PORT/v4/bench)
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$METADATA_PORT/v4/bench/task" >/dev/null && break; sleep 0.1; done
fi

LABELS=() PORTS=() SIDECARS=()
port=$FIRST_PORT
for variant in $VARIANTS; do
  label=${variant%%=*}; rest=${variant#*=}
  IFS=: read -r jar flags_file envs <<<"$rest"
  mapfile -t flags < <(grep -v '^\s*#' "$flags_file" | grep -v '^\s*$')
  IFS=, read -r -a extra_env <<<"${envs:-}"
  env "${SOURCE_ENV[@]}" "${extra_env[@]}" CSIDECAR_PORT=$port CDEPOT_URL=http://127.0.0.1:$CDEPOT_PORT \
    CSIDECAR_HEARTBEAT_SECONDS=1 CSIDECAR_SAMPLE_SECONDS=1 CSIDECAR_ADVERTISE_HOST=127.0.0.1 \
    java "${flags[@]}" -jar "$jar" >"$OUT/$label.log" 2>&1 &
  PIDS+=($!); SIDECARS+=($!); LABELS+=("$label"); PORTS+=($port)
  echo "$label: port $port, pid $!, ${extra_env[*]:-} java ${flags[*]} -jar $jar"
  port=$((port + 1))
done
for p in "${PORTS[@]}"; do
  for _ in $(seq 150); do curl -fs "http://127.0.0.1:$p/metrics" >/dev/null && break; sleep 0.1; done
done

echo "source: $SOURCE; scrape every ${SCRAPE_SECONDS} s, heartbeat and sample every 1 s"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((t = 1; t <= SECONDS_TO_RUN; t++)); do
  if (( t % SCRAPE_SECONDS == 0 )); then
    for p in "${PORTS[@]}"; do curl -fs -o /dev/null "http://127.0.0.1:$p/metrics" || echo "scrape of $p failed"; done
  fi
  for i in "${!SIDECARS[@]}"; do
    awk '/VmRSS/ {print $2}' "/proc/${SIDECARS[$i]}/status" >>"$OUT/${LABELS[$i]}.rss"
  done
  sleep 1
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

printf '%-24s %8s %10s %12s %10s %9s\n' variant "peak MB" "steady MB" "heartbeats" threads stats_up
for i in "${!SIDECARS[@]}"; do
  rss="$OUT/${LABELS[$i]}.rss"
  peak=$(sort -n "$rss" | tail -1)
  steady=$(tail -n $((SECONDS_TO_RUN / 2)) "$rss" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  beats=$(curl -fs "http://127.0.0.1:${PORTS[$i]}/metrics" | awk '/^csidecar_heartbeats_total\{result="ok"\}/ {print $2}')
  threads=$(awk '/Threads/ {print $2}' "/proc/${SIDECARS[$i]}/status")
  up=$(curl -fs "http://127.0.0.1:${PORTS[$i]}/metrics" | awk '/^csidecar_stats_up/ {print $2}')
  printf '%-24s %8.1f %10.1f %12s %10s %9s\n' "${LABELS[$i]}" "$(bc <<<"scale=1; $peak/1024")" \
    "$(bc <<<"scale=1; $steady/1024")" "${beats:-?}" "$threads" "${up:-?}"
done
echo "per-second samples: $OUT"
