#!/bin/sh
# train-cds.sh TARGET [SKIP]: makes TARGET/ferry.jsa, the class-data archive that TARGET/ferry starts Ferry with, and installs that
# launcher. The training run is `ferry demo` on an embedded PostgreSQL of its own (in TARGET/cds-training,
# on a free port, stopped afterwards), so the archive holds the classes a run, `executions` and `validate`
# load, with the launcher's default JVM options (an archive is used only with the collector it was made with).
# Without the archive Ferry works the same, only slower to start: a failed training is reported and
# does not fail the build. With SKIP true it installs the launcher only.
set -u
target=$(readlink -f "$1")
source=$(dirname "$(readlink -f "$0")")
work="$target/cds-training"
rm -rf "$work" "$target/ferry.jsa"
mkdir -p "$work/flows"
cp "$source/ferry" "$target/ferry" && chmod +x "$target/ferry"
if [ "${2:-false}" = true ]; then
    echo "no class-data archive (-Dferry.skipClassData): target/ferry starts without it, more slowly"
    exit 0
fi
port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 30000 ))
settings="-Dferry.embedded.port=$port -Dferry.embedded.dir=$work/data -Dferry.flows.dir=$work/flows"
cd "$work" || exit 0
# shellcheck disable=SC2086
if java -XX:+UseSerialGC -Xmx384m -XX:ArchiveClassesAtExit="$target/ferry.jsa" $settings -jar "$target/ferry.jar" demo --days 1 --rows-per-day 100 \
        > training.log 2>&1; then
    echo "class-data archive for target/ferry: $(du -h "$target/ferry.jsa" | cut -f1)"
else
    rm -f "$target/ferry.jsa"
    echo "no class-data archive (target/ferry starts without it, more slowly): the training run failed, see $work/training.log"
fi
# shellcheck disable=SC2086
java $settings -jar "$target/ferry.jar" embedded stop > /dev/null 2>&1
exit 0
