#!/usr/bin/env bash
# Makes the v1 savepoint fixture (v1/ beside this script) from the checked-out commit: builds the
# modules through the reactor (nothing is installed into ~/.m2) and runs SavepointFixture, which
# starts embedded PostgreSQL and Kafka, runs the sync job at parallelism 2 over a small workload
# and stops it with a canonical savepoint. About 2 minutes. See docs/runbooks/upgrade.md for when
# to make a new fixture (v2/, with a make-v2.sh) instead of replacing this one.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel)"
cd "$root"

classpath="$root/jobs/target/savepoint-fixture.classpath"
mvn -B -q -pl jobs -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.7.1:build-classpath \
  -Dspotless.check.skip=true -Dmdep.includeScope=test -Dmdep.outputFile="$classpath"

# The module openings Flink needs on Java 17, as the tests get them from the parent pom.
opens="$(sed -n 's:.*<flink.java.opens>\(.*\)</flink.java.opens>.*:\1:p' pom.xml)"
commit="$(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!jobs/src/test/resources/savepoints' || echo '-dirty')"

# shellcheck disable=SC2086
java $opens -Xmx2g -Djava.io.tmpdir="$root/jobs/target/tmp" \
  -cp "$root/jobs/target/test-classes:$root/jobs/target/classes:$(cat "$classpath")" \
  io.syncline.jobs.savepoint.SavepointFixture "$here/v1" "$commit"
du -sh "$here/v1"
