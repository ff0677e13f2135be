# Shared by the Gifmachine benchmark scripts (source it from the repository root after
# setting MAX_RAM): a work directory and child processes cleaned up on exit, a report that
# say() writes to as well as stdout, the image's JVM flags in FLAGS, start_postgres and the
# original schema (original_schema_sql), psql_on, load, median, rss, require_comparison_tools and
# start_nginx.
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

# JVM flags exactly as the image uses them (a jvm-flags.txt: one a line, # comments), plus the
# container size.
jvm_flags() { # file
  sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1"
  echo "-XX:MaxRAM=$MAX_RAM"
}
mapfile -t FLAGS < <(jvm_flags gifmachine/jvm-flags.txt)

# An embedded PostgreSQL (bench/gifmachine/ExternalPostgres.java on the given jar's classpath)
# in $WORK/pg, ended with the script; sets PGPORT. Not in a subshell: PIDS must keep its pid.
start_postgres() { # jar
  java -cp "$1" bench/gifmachine/ExternalPostgres.java "$WORK/pg" "$WORK/pgport" >"$WORK/pg.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 120); do [ -s "$WORK/pgport" ] && break; sleep 0.5; done
  PGPORT=$(cat "$WORK/pgport")
}

# An installation as the Ruby original left it: its table with the given number of rows.
original_schema_sql() { # rows
  local ROWS=$1
  cat <<SQL
CREATE TABLE gifs (id serial primary key, url character varying, who character varying,
  "when" timestamp without time zone, meme_top character varying, meme_bottom character varying);
INSERT INTO gifs (url, who, "when", meme_top, meme_bottom)
  SELECT 'https://example.com/' || i || '.gif', 'user' || (i % 1000),
         now() - (($ROWS - i) || ' seconds')::interval, 'top text ' || i, 'bottom text ' || (i % 5000)
  FROM generate_series(1, $ROWS) AS i;
ANALYZE gifs;
SQL
}

# psql as postgres on the database start_postgres started, stopping at the first error.
psql_on() { psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 "${@:2}"; }

load() { cut -d' ' -f1-3 /proc/loadavg; }

# The middle of a file's numbers, one a line (the upper middle of an even count).
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# A process's resident memory now, e.g. "182 MB".
rss() { awk '/VmRSS/ {printf "%d MB", $2 / 1024}' "/proc/$1/status"; }

# Fails unless wrk, psql, curl and nginx are installed (the old-vs-new comparisons need them all).
require_comparison_tools() {
  for tool in wrk psql curl nginx; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
      echo "bench: $tool is missing: apt-get install -y wrk postgresql-client curl nginx" >&2; exit 1; }
  done
}

# nginx serving the file $WORK/gif.json as GET /gif on 127.0.0.1:4591 (the static baseline for
# GET /gif): 2 workers, a buffered access log, ended with the script. Sets STATIC.
start_nginx() {
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  cat >"$WORK/nginx.conf" <<CONF
user root;
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log $WORK/nginx-access.log combined buffer=64k flush=1s;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:4591;
    location = /gif { types { } default_type application/json; alias $WORK/gif.json; }
  }
}
CONF
  "$nginx" -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' &
  PIDS+=($!)
  STATIC=http://127.0.0.1:4591
  until curl -sf -o /dev/null "$STATIC/gif"; do sleep 0.1; done
}
