#!/usr/bin/env bash
# Prepares a stock WildFly for Ferry. Run it while the server is stopped:
#
#   server-config/wildfly/setup.sh WILDFLY_HOME PROPERTIES_FILE
#
# PROPERTIES_FILE holds the same keys as standalone Ferry (see ferry-wildfly.properties.example):
#   ferry.db.NAME.url|user|password    one datasource per named database, at java:jboss/datasources/ferry/NAME
#   ferry.repository.url|user|password the database of JBeret's job repository, the EJB timers and the claims
#   ferry.store.*, ferry.timezone, ferry.flow.FLOW.schedule|timezone   Ferry's settings, through MicroProfile Config
#   ferry.postgresql.jar               the PostgreSQL JDBC driver jar to install as a module
#   ferry.batch.max-threads            threads for batch jobs (default 10)
# Passwords and keys (*.password, *.access-key, *.secret-key) reach the server's configuration only as
# ${ENC::ferry:...} expressions, encrypted with a key kept in an Elytron credential store
# (standalone/configuration/ferry-keys.cs). Running it again replaces what it configured before.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WILDFLY_HOME=${1:?usage: setup.sh WILDFLY_HOME PROPERTIES_FILE}
PROPS=${2:?usage: setup.sh WILDFLY_HOME PROPERTIES_FILE}
CLI="$WILDFLY_HOME/bin/jboss-cli.sh"
EMBED="embed-server --server-config=standalone.xml --std-out=discard"

declare -A P
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%$'\r'}
  [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
  key=${line%%=*}
  P["${key//[[:space:]]/}"]=${line#*=}
done < "$PROPS"
[ -n "${P[ferry.postgresql.jar]:-}" ] || { echo "setup.sh: $PROPS: set ferry.postgresql.jar to the PostgreSQL JDBC driver jar" >&2; exit 2; }
[ -n "${P[ferry.repository.url]:-}" ] || { echo "setup.sh: $PROPS: set ferry.repository.url (the job repository's database)" >&2; exit 2; }

quote() { local v=${1//\\/\\\\}; printf '"%s"' "${v//\"/\\\"}"; }
is_secret() { [[ "$1" =~ \.(password|access-key|secret-key)$ ]]; }

# 1. The driver module, its JDBC driver and the encryption key (ferry.cli).
if [ ! -f "$WILDFLY_HOME/modules/org/postgresql/main/module.xml" ]; then
  "$CLI" --command="module add --name=org.postgresql --resources=${P[ferry.postgresql.jar]} --dependencies=java.se,jakarta.transaction.api"
fi
"$CLI" --file="$HERE/ferry.cli" >/dev/null
# The key that decrypts every secret: readable by the server's user only.
chmod 600 "$WILDFLY_HOME/standalone/configuration/ferry-keys.cs"

# 2. Encrypt every secret; the clear text goes to the CLI on its standard input only.
declare -A ENC
secrets=()
for key in "${!P[@]}"; do
  if is_secret "$key" && [ -n "${P[$key]}" ]; then secrets+=("$key"); fi
done
if [ ${#secrets[@]} -gt 0 ]; then
  mapfile -t expressions < <({
    echo "$EMBED"
    for key in "${secrets[@]}"; do
      echo "/subsystem=elytron/expression=encryption:create-expression(resolver=ferry, clear-text=$(quote "${P[$key]}"))"
    done
    echo "stop-embedded-server"
  } | "$CLI" 2>&1 | grep -o '\${ENC::ferry:[^}]*}')
  [ ${#expressions[@]} -eq ${#secrets[@]} ] || { echo "setup.sh: could not encrypt the secrets (expected ${#secrets[@]} expressions, got ${#expressions[@]})" >&2; exit 1; }
  for i in "${!secrets[@]}"; do ENC["${secrets[$i]}"]=${expressions[$i]}; done
fi

remove() { # remove ADDRESS when it is there
  echo "if (outcome == success) of $1:read-resource"
  echo "    $1:remove"
  echo "end-if"
}

replace() { # replace ADDRESS ADD-PARAMETERS: remove the resource when it is there, then add it
  remove "$1"
  echo "$1:add($2)"
}

datasource() { # datasource POOL-NAME JNDI-NAME KEY-PREFIX
  local params="jndi-name=$2, driver-name=postgresql, connection-url=$(quote "${P[$3.url]}")"
  params+=", user-name=$(quote "${P[$3.user]:-postgres}"), min-pool-size=0, max-pool-size=${P[$3.pool-size]:-10}"
  params+=", validate-on-match=true, background-validation=false"
  params+=", valid-connection-checker-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker"
  params+=", exception-sorter-class-name=org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter"
  [ -n "${ENC[$3.password]:-}" ] && params+=", password=$(quote "${ENC[$3.password]}")"
  replace "/subsystem=datasources/data-source=$1" "$params"
}

# 3. Datasources, job repository, batch threads, timer store and Ferry's settings.
{
  echo "$EMBED"
  # Detach what uses the datasources, so that a second run can replace them.
  echo "/subsystem=batch-jberet:write-attribute(name=default-job-repository, value=in-memory)"
  remove /subsystem=batch-jberet/jdbc-job-repository=ferry
  echo "/subsystem=ejb3/service=timer-service:write-attribute(name=default-data-store, value=default-file-store)"
  remove /subsystem=ejb3/service=timer-service/database-data-store=ferry-timers
  datasource FerryRepository java:jboss/datasources/FerryRepository ferry.repository
  for key in "${!P[@]}"; do
    if [[ "$key" =~ ^ferry\.db\.([^.]+)\.url$ ]]; then
      name=${BASH_REMATCH[1]}
      datasource "ferry-$name" "java:jboss/datasources/ferry/$name" "ferry.db.$name"
    fi
  done
  # JBeret's job repository and the EJB timers on the repository database; threads for batch jobs.
  echo "/subsystem=batch-jberet/jdbc-job-repository=ferry:add(data-source=FerryRepository)"
  echo "/subsystem=batch-jberet:write-attribute(name=default-job-repository, value=ferry)"
  echo "/subsystem=batch-jberet/thread-pool=batch:write-attribute(name=max-threads, value=${P[ferry.batch.max-threads]:-10})"
  echo "/subsystem=ejb3/service=timer-service/database-data-store=ferry-timers:add(datasource-jndi-name=java:jboss/datasources/FerryRepository, database=postgresql, partition=ferry)"
  echo "/subsystem=ejb3/service=timer-service:write-attribute(name=default-data-store, value=ferry-timers)"
  # Each server of a cluster names itself when it starts (-Djboss.node.name=ferry-a): the transaction manager's node
  # identifier (at most 23 bytes) must differ between servers that share databases.
  echo '/subsystem=transactions:write-attribute(name=node-identifier, value="${jboss.tx.node.id:${jboss.node.name}}")'
  # Ferry's settings for MicroProfile Config: plain values in a config source, secrets as encrypted system properties.
  settings=""
  for key in "${!P[@]}"; do
    [[ "$key" =~ ^ferry\. && ! "$key" =~ ^ferry\.(db|repository|batch)\. && "$key" != ferry.postgresql.jar ]] || continue
    if is_secret "$key"; then
      [ -n "${ENC[$key]:-}" ] && replace "/system-property=$key" "value=$(quote "${ENC[$key]}")"
    else
      settings+="${settings:+, }$(quote "$key")=>$(quote "${P[$key]}")"
    fi
  done
  replace /subsystem=microprofile-config-smallrye/config-source=ferry "ordinal=250, properties={$settings}"
  echo "stop-embedded-server"
} | "$CLI" > "${TMPDIR:-/tmp}/ferry-setup.log" 2>&1 || { cat "${TMPDIR:-/tmp}/ferry-setup.log" >&2; exit 1; }
if grep -q '"outcome" => "failed"' "${TMPDIR:-/tmp}/ferry-setup.log"; then
  grep -B2 -A6 '"outcome" => "failed"' "${TMPDIR:-/tmp}/ferry-setup.log" >&2
  exit 1
fi
echo "WildFly at $WILDFLY_HOME is ready for Ferry: deploy target/ferry.war"
