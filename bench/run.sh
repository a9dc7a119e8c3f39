#!/usr/bin/env bash
# Ferry's throughput and memory against a plain `psql COPY | psql COPY` pipe on the same data, same run.
#
#   bench/run.sh [ROWS ...]       default: 2000000; e.g. bench/run.sh 2000000 10000000 to see RSS stay flat
#
# Needs the local PostgreSQL (127.0.0.1:5432, user postgres) and a built target/ferry (built if absent).
# For each size it makes a wide `orders` table (15 columns, one business date), then times:
#   psql pipe   psql -c "COPY (...) TO STDOUT" | psql -c "COPY orders FROM STDIN"
#   ferry file  ferry run bench/wide.xml with the store in a local folder (parallel extract: auto)
#   file-p1     the same with one extract stream (-p parallel=1)
#   file-csv    the same with the load's rows sent to COPY as CSV (-p copyFormat=csv), not in binary
#   overlap     bench/wide-overlap.xml: the load follows the extract (64 MB files), store in a folder
#   overlap-p1  the same with one extract stream
#   ferry s3    the same as ferry file with the store in a bucket of S3Proxy (filesystem-backed, its own process)
#   s3-overlap-p1  overlap-p1 through that bucket
#   exchange-p1 bench/exchange.xml: the date's partition of a partitioned orders_p swapped in (mode exchange), its
#               staging table filled by one COPY stream (64 MB files)
#   exchange-p2 the same with two load streams (-p loadParallel=2)
#   load-p1     the load of exchange-p1 alone, on the partition already extracted (-p ferry.steps=load)
#   load-p2     the same with two load streams
#   load-p1-csv, load-p2-csv  the same with the rows sent as CSV (-p copyFormat=csv): the server parses them
#   exchange-overlap, exchange-overlap-p1  bench/exchange-overlap.xml: the exchange follows its extract (its staging
#               table fills as the files are written); -p1 with one extract stream
#   external    exchange with the warehouse reading the files itself (method external: file_fdw), two streams
#   external-load  its load alone
# MODES="file overlap ..." runs only those of Ferry's modes (the pipes always run); a mode may be given twice.
# FERRY_PARAMS="-p maxFileBytes=16777216" adds job parameters to each Ferry run (the overlap flow takes maxFileBytes).
#   s3cmd pipe  by hand through the same bucket: psql COPY TO | s3cmd put -, then s3cmd get - | psql COPY FROM
#               (Debian's s3cmd, installed when missing)
# then the fixed costs an operator meets every day: ferry run of a 1,000-row day, ferry validate, ferry executions,
# ferry --help.
# and prints elapsed, rows/s, MB/s (of CSV), peak RSS and the ratio to the pipe. Everything it creates
# (databases bench_*, /tmp/ferry-bench) is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=/tmp/ferry-bench
PG="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres"
DATE=20240315
SIZES=("${@:-2000000}")
S3_PORT=18089

command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
command -v s3cmd >/dev/null || apt-get install -y s3cmd >/dev/null
[ -x target/ferry ] || mvn -q -B package -DskipTests
S3PROXY_JAR=target/bench/s3proxy-3.0.0-jar-with-dependencies.jar
[ -f "$S3PROXY_JAR" ] || mvn -q -B dependency:copy -Dartifact=org.gaul:s3proxy:3.0.0:jar:jar-with-dependencies \
  -DoutputDirectory=target/bench

cleanup() {
  [ -n "${S3_PID:-}" ] && kill "$S3_PID" 2>/dev/null || true
  for db in bench_src bench_dst bench_repo; do $PG -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf "$WORK" && mkdir -p "$WORK/store" "$WORK/s3/bench-bucket"

# S3Proxy from Maven Central, in a process of its own so that its memory is not counted as Ferry's.
cat > "$WORK/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3
PROPS
java -Xmx512m -jar "$S3PROXY_JAR" --properties "$WORK/s3proxy.properties" > "$WORK/s3proxy.log" 2>&1 &
S3_PID=$!
for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/$S3_PORT) 2>/dev/null && break; sleep 0.5; done

for db in bench_src bench_dst bench_repo; do
  $PG -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
done
SCHEMA="id bigint, order_no text, customer_id int, sku text, qty int, price numeric(12,2), amount numeric(14,2),
  currency char(3), status text, region text, note text, is_gift boolean, created_at timestamptz,
  updated_at timestamptz, biz_date date"
$PG -d bench_src -c "CREATE TABLE orders ($SCHEMA)"
$PG -d bench_dst -c "CREATE TABLE orders ($SCHEMA)" -c "CREATE TABLE orders_p ($SCHEMA) PARTITION BY RANGE (biz_date)" \
  -c "CREATE TABLE orders_p_20240315 PARTITION OF orders_p FOR VALUES FROM ('2024-03-15') TO ('2024-03-16')"

config() { # $1 = store url
  cat <<CONF
ferry.db.source.url=jdbc:postgresql://127.0.0.1:5432/bench_src
ferry.db.warehouse.url=jdbc:postgresql://127.0.0.1:5432/bench_dst
ferry.repository.url=jdbc:postgresql://127.0.0.1:5432/bench_repo
ferry.store.url=$1
ferry.store.s3.endpoint=http://127.0.0.1:$S3_PORT
ferry.store.s3.access-key=bench-access
ferry.store.s3.secret-key=bench-secret
ferry.store.s3.path-style=true
CONF
}
config "file:$WORK/store" > "$WORK/file.properties"
config "s3://bench-bucket/staging" > "$WORK/s3.properties"

# CPU seconds S3Proxy has used so far: what the bucket costs on the machine's shared cores
s3proxy_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$S3_PID/stat"
}

# timed LABEL COMMAND...: runs it under /usr/bin/time, records seconds and peak RSS (kB)
timed() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$WORK/$label.log" 2>&1 || { cat "$WORK/$label.log"; exit 1; }
  read -r SECONDS_TAKEN RSS_KB < "$WORK/time"
}

printf '\n%-20s %10s %8s %12s %8s %10s %8s\n' "mode" "rows" "sec" "rows/s" "MB/s" "peakRSS" "ratio"
# fill ROWS: the source's orders table holds ROWS rows of the business date
fill() {
  $PG -d bench_src -c "TRUNCATE orders" -c "
    INSERT INTO orders SELECT i, 'SO' || lpad(i::text, 12, '0'), (i::bigint * 7919 % 500000)::int, 'SKU-' || (i % 9973),
      1 + i % 9, (i % 10000) / 100.0 + 0.99, ((i % 10000) / 100.0 + 0.99) * (1 + i % 9), 'CNY',
      (ARRAY['NEW','PAID','SHIPPED','DONE'])[1 + i % 4], (ARRAY['华东','华北','华南','西部'])[1 + i % 4],
      CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 = 1 THEN 'gift | wrap, \"ribbon\"' ELSE 'note ' || md5(i::text) END,
      i % 7 = 0, TIMESTAMPTZ '2024-03-15 00:00:00+08' + (i % 86400) * interval '1 second',
      TIMESTAMPTZ '2024-03-15 00:00:00+08' + (i % 86400) * interval '1 second' + interval '5 minutes',
      DATE '2024-03-15'
    FROM generate_series(1, $1) i" -c "VACUUM ANALYZE orders"
}

for ROWS in "${SIZES[@]}"; do
  fill "$ROWS"
  MB=$($PG -d bench_src -At -c "SELECT round(sum(octet_length(t::text)) / 1e6, 1) FROM orders t")

  $PG -d bench_dst -c "TRUNCATE orders"
  timed pipe bash -c "$PG -d bench_src -c \"COPY (SELECT * FROM orders WHERE biz_date = DATE '2024-03-15') TO STDOUT (FORMAT csv, DELIMITER '|')\" \
    | $PG -d bench_dst -c \"COPY orders FROM STDIN (FORMAT csv, DELIMITER '|')\""
  PIPE_SECONDS=$SECONDS_TAKEN
  report() {
    awk -v m="$1" -v r="$ROWS" -v s="$SECONDS_TAKEN" -v mb="$MB" -v rss="$RSS_KB" -v p="$PIPE_SECONDS" \
      'BEGIN { printf "%-20s %10d %8.1f %12.0f %8.1f %8.0fMB %7.2fx\n", m, r, s, r / s, mb / s, rss / 1024, s / p }'
  }
  report "psql pipe"

  $PG -d bench_dst -c "TRUNCATE orders"
  S3CMD="s3cmd --no-ssl --host=127.0.0.1:$S3_PORT --host-bucket=127.0.0.1:$S3_PORT --access_key=bench-access --secret_key=bench-secret --region=us-east-1 -q"
  S3_CPU_BEFORE=$(s3proxy_cpu)
  timed s3cmd bash -c "$PG -d bench_src -c \"COPY (SELECT * FROM orders WHERE biz_date = DATE '2024-03-15') TO STDOUT (FORMAT csv, DELIMITER '|')\" \
    | $S3CMD put - s3://bench-bucket/by-hand/orders.csv && $S3CMD get s3://bench-bucket/by-hand/orders.csv - \
    | $PG -d bench_dst -c \"COPY orders FROM STDIN (FORMAT csv, DELIMITER '|')\""
  LOADED=$($PG -d bench_dst -At -c "SELECT count(*) FROM orders")
  [ "$LOADED" = "$ROWS" ] || { echo "s3cmd pipe loaded $LOADED of $ROWS rows"; cat "$WORK/s3cmd.log"; exit 1; }
  report "s3cmd pipe"
  echo "             S3Proxy used $(awk -v a="$S3_CPU_BEFORE" -v b="$(s3proxy_cpu)" 'BEGIN { printf "%.1f", b - a }') s of CPU"

  for mode in ${MODES:-file file-p1 file-csv overlap overlap-p1 s3 s3-overlap-p1 exchange-p1 exchange-p2 load-p1 load-p2 external external-load}; do
    store=file; [ "${mode#s3}" != "$mode" ] && store=s3
    streams=auto; [ "${mode%-p1}" != "$mode" ] && [ "${mode#load}" = "$mode" ] && [ "${mode#exchange-p}" = "$mode" ] && streams=1
    format=auto; [ "${mode%-csv}" != "$mode" ] && format=csv
    flow=bench/wide.xml; [ "${mode#*overlap}" != "$mode" ] && flow=bench/wide-overlap.xml
    table=orders; extra=()
    case $mode in
      exchange-overlap*) flow=bench/exchange-overlap.xml; table=orders_p ;;
      exchange-p*|load-p*|external*) n=${mode#*-p}; flow=bench/exchange.xml; table=orders_p; extra=(-p "loadParallel=${n%%-*}") ;;
    esac
    case $mode in
      external*) extra=(-p loadParallel=2 -p method=external) ;;
    esac
    case $mode in
      load-p*|external-load) extra+=(-p ferry.steps=load) ;; # the partition the mode before extracted
    esac
    $PG -d bench_dst -c "TRUNCATE $table"
    S3_CPU_BEFORE=$(s3proxy_cpu)
    # --force: every measurement reruns the same business date on purpose
    # shellcheck disable=SC2086
    timed "ferry-$mode" target/ferry run $flow -d $DATE --force -p parallel=$streams -p copyFormat=$format "${extra[@]}" ${FERRY_PARAMS:-} \
      --config "$WORK/$store.properties"
    LOADED=$($PG -d bench_dst -At -c "SELECT count(*) FROM $table")
    [ "$LOADED" = "$ROWS" ] || { echo "ferry $mode loaded $LOADED of $ROWS rows"; cat "$WORK/ferry-$mode.log"; exit 1; }
    report "ferry $mode"
    [ "$store" = s3 ] && echo "             S3Proxy used $(awk -v a="$S3_CPU_BEFORE" -v b="$(s3proxy_cpu)" 'BEGIN { printf "%.1f", b - a }') s of CPU"
    grep -E "^  (extract|load) |streams over|one stream|row\(s\), loaded|mode exchange\): loaded" "$WORK/ferry-$mode.log" | sed "s/^/             /"
  done
done

printf '\n%-40s %8s %10s\n' "fixed cost" "sec" "peakRSS"
fill 1000
$PG -d bench_dst -c "TRUNCATE orders"
for command in "run bench/wide.xml -d $DATE --force --config $WORK/file.properties" "validate bench/wide.xml --config $WORK/file.properties" "executions --config $WORK/file.properties" "--help"; do
  # shellcheck disable=SC2086
  timed fixed target/ferry $command
  command=${command%% -d *}
  command=${command%% --config*}
  [ "${command#run}" != "$command" ] && command="$command (1,000 rows)"
  awk -v c="ferry $command" -v s="$SECONDS_TAKEN" -v rss="$RSS_KB" 'BEGIN { printf "%-40s %8.2f %8.0fMB\n", c, s, rss / 1024 }'
done
echo
echo "MB/s counts the rows' text size ($MB MB for the last size); ratio = seconds / psql pipe seconds."
