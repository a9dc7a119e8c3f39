#!/usr/bin/env bash
# The console's answer times over a year of daily history for many flows, as an operator's page asks.
#
#   bench/console.sh [FLOWS] [DAYS]       default: 40 flows x 365 business dates
#
# Needs the local PostgreSQL (127.0.0.1:5432, user postgres) and target/ferry (built if absent). It
# makes a job repository bench_console_repo, lets Ferry create JBeret's tables in it, fills them with one
# completed execution (two steps) per flow and date, every 10th failed, starts `ferry serve` with a console
# user, and times with curl (20 requests each, median and worst): the grid page of 14 and of 62 dates, the
# grid with a flow's steps expanded, the newest executions page, a filtered page, the flows list. The page
# asks for the grid every 3 seconds while it is shown. Everything it creates is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
FLOWS=${1:-40}
DAYS=${2:-365}
WORK=/tmp/ferry-bench-console
PORT=18189
PG="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres"
[ -x target/ferry ] || mvn -q -B package -DskipTests

cleanup() {
  [ -n "${SERVE_PID:-}" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
  $PG -d postgres -c "DROP DATABASE IF EXISTS bench_console_repo WITH (FORCE)" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK"
$PG -d postgres -c "DROP DATABASE IF EXISTS bench_console_repo WITH (FORCE)" -c "CREATE DATABASE bench_console_repo"

HASH=$(echo "bench-password" | target/ferry hash-password)
cat > "$WORK/ferry.properties" <<PROPS
ferry.repository.url=jdbc:postgresql://127.0.0.1:5432/bench_console_repo
ferry.repository.user=postgres
ferry.store.url=file:$WORK/store
ferry.timezone=UTC
ferry.console.port=$PORT
ferry.console.user.bench.password-hash=$HASH
ferry.console.user.bench.role=viewer
PROPS
# Any command creates JBeret's tables; then a year of history goes straight into them.
target/ferry executions --config "$WORK/ferry.properties" >/dev/null
START=$(date -u -d "$DAYS days ago" +%F)
$PG -d bench_console_repo <<SQL
INSERT INTO job_instance (jobinstanceid, version, jobname, applicationname)
  SELECT f, 1, 'flow-' || lpad(f::text, 3, '0'), 'ferry' FROM generate_series(1, $FLOWS) f;
INSERT INTO job_execution (jobexecutionid, jobinstanceid, version, createtime, starttime, endtime, lastupdatedtime,
                           batchstatus, exitstatus, jobparameters)
  SELECT f * 100000 + d, f, 1, t, t, t + interval '3 minutes', t + interval '3 minutes',
         CASE WHEN (f + d) % 10 = 0 THEN 'FAILED' ELSE 'COMPLETED' END,
         CASE WHEN (f + d) % 10 = 0 THEN 'FAILED: step load: relation "t_target" does not exist' ELSE 'COMPLETED' END,
         'mydate = ' || to_char(date '$START' + d, 'YYYYMMDD') || E'\nferry.flow.version = 0123456789ab\n'
  FROM generate_series(1, $FLOWS) f, generate_series(0, $DAYS - 1) d,
       LATERAL (SELECT (date '$START' + d + 1)::timestamp + interval '2 hours 30 minutes' AS t) x;
INSERT INTO step_execution (stepexecutionid, jobexecutionid, version, stepname, starttime, endtime, batchstatus, exitstatus)
  SELECT e.jobexecutionid * 2 + s, e.jobexecutionid, 1, CASE s WHEN 0 THEN 'extract' ELSE 'load' END, e.starttime, e.endtime,
         CASE WHEN s = 1 THEN e.batchstatus ELSE 'COMPLETED' END, CASE WHEN s = 1 THEN e.exitstatus ELSE 'COMPLETED' END
  FROM job_execution e, generate_series(0, 1) s;
ANALYZE;
SQL
echo "history: $($PG -d bench_console_repo -Atc 'SELECT count(*) FROM job_execution') executions," \
     "$($PG -d bench_console_repo -Atc 'SELECT count(*) FROM step_execution') step executions of $FLOWS flows"

java -Xmx256m -jar target/ferry.jar serve --config "$WORK/ferry.properties" > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 60); do grep -q "console at" "$WORK/serve.log" && break; sleep 0.5; done
BASE="http://127.0.0.1:$PORT/api"
NEWEST=$(date -u -d yesterday +%Y%m%d)

# A session, as the page has: HTTP Basic would add an Argon2 check (~50 ms) to every request.
curl -s -f -c "$WORK/cookies" -H 'Content-Type: application/json' -d '{"username": "bench", "password": "bench-password"}' \
  -o /dev/null "$BASE/session"
measure() { # name path
  local times=()
  curl -s -f -b "$WORK/cookies" -o /dev/null "$BASE/$2" # warm-up
  for _ in $(seq 1 20); do
    times+=("$(curl -s -f -b "$WORK/cookies" -o "$WORK/body" -w '%{time_total}' "$BASE/$2")")
  done
  printf '%-42s %7.1f ms median %7.1f ms worst %8d bytes\n' "$1" \
    "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] * 1000}')" \
    "$(printf '%s\n' "${times[@]}" | sort -n | tail -1 | awk '{print $1 * 1000}')" "$(stat -c %s "$WORK/body")"
}
measure "grid, 14 dates x $FLOWS flows" "grid?days=14"
measure "grid, 62 dates x $FLOWS flows" "grid?days=62&to=$NEWEST"
measure "grid, 14 dates, one flow's steps" "grid?days=14&expand=flow-007"
measure "grid, 14 dates half a year back" "grid?days=14&to=$(date -u -d '180 days ago' +%Y%m%d)"
measure "executions, newest 50" "executions?limit=50"
measure "executions, one flow's failures in a quarter" "executions?flow=flow-007&status=FAILED&from=$(date -u -d '90 days ago' +%Y%m%d)&to=$NEWEST"
measure "flows ($FLOWS, newest run of each)" "flows"
echo "serve: peak RSS $(grep VmHWM /proc/$SERVE_PID/status | awk '{print $2 / 1024 " MB"}')"
