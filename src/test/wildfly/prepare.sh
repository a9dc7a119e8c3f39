#!/usr/bin/env bash
# For the WildFly tests (*IT): creates their databases and prepares the WildFly unpacked under target/
# with server-config/wildfly/setup.sh, exactly as a user prepares theirs.
#   prepare.sh WILDFLY_HOME POSTGRESQL_JAR     before the tests
#   prepare.sh --drop                          after them: drops the databases
set -euo pipefail
cd "$(dirname "$0")/../../.."
PSQL="psql -X -q -h 127.0.0.1 -U postgres -d postgres"
DATABASES="ferry_it_src ferry_it_dst ferry_it_repo"

for db in $DATABASES; do $PSQL -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null; done
[ "${1:-}" = "--drop" ] && exit 0

WILDFLY_HOME=$1
for db in $DATABASES; do $PSQL -c "CREATE DATABASE $db"; done
# The schedule of timer-catchup was last handled three days ago (the table as Ferry's Watermarks makes it).
psql -X -q -h 127.0.0.1 -U postgres -d ferry_it_repo \
  -c "CREATE TABLE IF NOT EXISTS ferry_schedule_mark (flow varchar(255) PRIMARY KEY, handled_up_to timestamptz NOT NULL)" \
  -c "INSERT INTO ferry_schedule_mark VALUES ('timer-catchup', now() - interval '3 days')"
# A fresh standalone.xml each time, so that the tests always start from a stock server.
CONFIG="$WILDFLY_HOME/standalone/configuration"
[ -f "$CONFIG/standalone.xml.stock" ] || cp "$CONFIG/standalone.xml" "$CONFIG/standalone.xml.stock"
cp "$CONFIG/standalone.xml.stock" "$CONFIG/standalone.xml"
rm -f "$CONFIG/ferry-keys.cs"
# Stock application users too, then the console's operator and viewer (the users of the console tests).
for users in application-users.properties application-roles.properties; do
  [ -f "$CONFIG/$users.stock" ] || cp "$CONFIG/$users" "$CONFIG/$users.stock"
  cp "$CONFIG/$users.stock" "$CONFIG/$users"
done
"$WILDFLY_HOME/bin/add-user.sh" -s -a -u olga -p 'correct horse battery staple' -g operator
"$WILDFLY_HOME/bin/add-user.sh" -s -a -u victor -p 'correct horse battery staple' -g viewer
rm -rf "$WILDFLY_HOME/standalone/data" "$WILDFLY_HOME/standalone/log" "$WILDFLY_HOME/standalone/deployments/"*.war*

mkdir -p target/wildfly-it
rm -rf target/wildfly-it/flows
cp -r src/test/wildfly/flows target/wildfly-it/flows
sed -e "s|@POSTGRESQL_JAR@|$2|" -e "s|@FLOWS_DIR@|$PWD/target/wildfly-it/flows|" src/test/wildfly/ferry-it.properties > target/wildfly-it/ferry-it.properties
server-config/wildfly/setup.sh "$WILDFLY_HOME" target/wildfly-it/ferry-it.properties
