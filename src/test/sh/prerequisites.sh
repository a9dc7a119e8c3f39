#!/usr/bin/env bash
# What the tests need on this machine, brought by the test command itself (mvn verify runs this first):
# a PostgreSQL server on 127.0.0.1:5432 that lets `postgres` in (installed from Debian's packages, trusting
# local TCP logins, when the machine has none), and Debian's Chromium with its ChromeDriver for the
# console's browser tests, and the Prometheus project's text format parser (python3-prometheus-client, for
# Debian's /usr/bin/python3) that reads /metrics in the tests. Whatever is missing is started or installed when this runs as root on Debian;
# otherwise it stops at once with the line to run.
set -euo pipefail

fail() {
  echo "ferry tests: $1" >&2
  echo "  run: $2" >&2
  exit 1
}

if ! command -v pg_isready >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # A machine without PostgreSQL: install Debian's server for the tests, trusting local TCP logins.
  echo "ferry tests: installing Debian's postgresql for the tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q postgresql postgresql-contrib >/dev/null
  version=$(ls /etc/postgresql | head -n 1)
  sed -i '1i host all all 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "ferry tests: starting PostgreSQL $(ls /etc/postgresql | head -n 1)"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
    || fail "no PostgreSQL server answers on 127.0.0.1:5432" "sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start"
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ferry tests: installing Debian's chromium and chromium-driver for the console's browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q chromium chromium-driver >/dev/null
  fi
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
    || fail "the console's browser tests need /usr/bin/chromium and /usr/bin/chromedriver" "sudo apt-get install -y chromium chromium-driver"
fi

if ! /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "ferry tests: installing Debian's python3-prometheus-client, whose parser reads /metrics in the tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q python3-prometheus-client >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q python3-prometheus-client >/dev/null; }
  fi
  /usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null \
    || fail "the /metrics tests read it with Prometheus's own parser" "sudo apt-get install -y python3-prometheus-client"
fi
