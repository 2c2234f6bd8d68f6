#!/usr/bin/env bash
# Syncline's benchmarks: builds what they need, then runs them.
#   benchmarks/run.sh                 the end-to-end ratios (about 6 minutes, plus about 2 for R17/R18's
#                                     drains), table + results/<timestamp>.json
#   benchmarks/run.sh --quick         the same at smoke-test size (about a minute and a half)
#   benchmarks/run.sh --jmh           the JMH micro-benchmarks of the per-record code (about 2 minutes)
#   benchmarks/run.sh --jfr ...       also records a JFR profile of the run to benchmarks/target/run.jfr
#   benchmarks/run.sh --only reconcile only R14/R15 (syncline reconcile of identical and drifted tables)
#   benchmarks/run.sh --only jdbc     only R8 (the JDBC target-table sink against a plain batched upsert)
#   benchmarks/run.sh --only backfill only R16 (syncline backfill against a plain JDBC copy, about a
#                                     minute), results/<timestamp>-backfill.json; with --quick too
#   benchmarks/run.sh --only protect  only R17/R18 (the backlog drained with two fields encrypted, under
#                                     tenant keys and under per-subject keys, against the same job without
#                                     encryption; about 4-5 minutes), results/<timestamp>-protect.json
# Other options (--parallelism N, --checkpoint-interval 2s, --rates 4000,8000, --out DIR, --only) go to the
# runner; see --help. Logs go to benchmarks/target/benchmarks.log; JAVA_OPTS is passed to the JVM.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

jmh=false
jfr=false
args=()
for arg in "$@"; do
  case "$arg" in
    --jmh) jmh=true ;;
    --jfr) jfr=true ;;
    *) args+=("$arg") ;;
  esac
done

profile=()
$jmh && profile=(-Pjmh)
echo "Building Syncline and its benchmarks ..." >&2
[ "${SKIP_BUILD:-}" = 1 ] || mvn -B -q -Dmaven.test.skip=true "${profile[@]}" -pl benchmarks -am install >&2

# The module and package openings Flink needs on Java 17 (as in Flink's own config.yaml).
java_opts=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)
classpath="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/runner.classpath")"
mkdir -p "$root/benchmarks/target/tmp"

if $jmh; then
  # Short on purpose: one fork, 3 warm-up and 3 measured iterations of 2 s per benchmark.
  # shellcheck disable=SC2086
  exec java "${java_opts[@]}" ${JAVA_OPTS:-} -cp "$classpath" org.openjdk.jmh.Main \
    -f 1 -wi 3 -w 2s -i 3 -r 2s -rf json -rff "$root/benchmarks/target/jmh-result.json" \
    "${args[@]}"
fi

jfr_opts=()
$jfr && jfr_opts=("-XX:StartFlightRecording=filename=$root/benchmarks/target/run.jfr,settings=profile")
# shellcheck disable=SC2086
exec java "${java_opts[@]}" -Xms2g -Xmx6g -XX:+UseG1GC "${jfr_opts[@]}" ${JAVA_OPTS:-} \
  -Djava.io.tmpdir="$root/benchmarks/target/tmp" \
  -Dlog4j2.configurationFile="$root/benchmarks/src/main/resources/benchmarks-log4j2.properties" \
  -Dsyncline.log.file="$root/benchmarks/target/benchmarks.log" \
  -cp "$classpath" io.syncline.benchmarks.BenchmarkRunner --out "$root/benchmarks/results" \
  "${args[@]}"
