#!/usr/bin/env bash
# For WildFlyClusterIT: one node of a two-server cluster, made from the WildFly that prepare.sh unpacked, and prepared
# with server-config/wildfly/setup.sh exactly as a user prepares each of their servers.
#   cluster-node.sh WILDFLY_HOME NODE_HOME PROPERTIES_FILE
# The node shares the unpacked server's files by hard links (modules, bin), and has a standalone/ folder of its own:
# the stock configuration with the console's users that prepare.sh added.
set -euo pipefail
WILDFLY_HOME=$(cd "$1" && pwd)
NODE_HOME=$2
PROPS=$3
cd "$(dirname "$0")/../../.."

rm -rf "$NODE_HOME"
mkdir -p "$NODE_HOME/standalone/deployments"
for entry in "$WILDFLY_HOME"/*; do
  [ "$(basename "$entry")" = standalone ] || cp -al "$entry" "$NODE_HOME/"
done
cp -r "$WILDFLY_HOME/standalone/lib" "$NODE_HOME/standalone/"
cp -r "$WILDFLY_HOME/standalone/configuration" "$NODE_HOME/standalone/"
CONFIG="$NODE_HOME/standalone/configuration"
cp "$CONFIG/standalone.xml.stock" "$CONFIG/standalone.xml"
rm -rf "$CONFIG/ferry-keys.cs" "$CONFIG/standalone_xml_history"
TMPDIR="$NODE_HOME" server-config/wildfly/setup.sh "$NODE_HOME" "$PROPS"
cp target/ferry.war "$NODE_HOME/standalone/deployments/"
