#!/usr/bin/env bash
# A standalone Flink session cluster on this machine, from Maven-resolved Flink jars:
# one JobManager and two TaskManagers, each its own JVM.
#   deploy/local/cluster.sh start | stop | status | add-taskmanager
# add-taskmanager starts one more TaskManager on the running cluster, e.g. to replace one that
# died (kill -9, out of memory): the next free number i, Prometheus on SYNCLINE_CLUSTER_PROM_PORT + i.
# Settings (environment):
#   SYNCLINE_CLUSTER_DIR        work directory: conf, logs, pids, checkpoints (default deploy/local/work)
#   SYNCLINE_CLUSTER_REST_PORT  web UI and REST API (default 8081)
#   SYNCLINE_CLUSTER_RPC_PORT   JobManager RPC (default 6123)
#   SYNCLINE_CLUSTER_PROM_PORT  Prometheus port of the JobManager; TaskManager i gets it + i (default 9249)
#   SYNCLINE_CLUSTER_TASKMANAGERS  number of TaskManagers (default 2)
#   SYNCLINE_CLUSTER_SLOTS      slots per TaskManager (default 2)
#   SYNCLINE_CLUSTER_MVN_ARGS   extra arguments for the Maven call that resolves the classpath (e.g. -o)
#   JAVA_OPTS                   passed to every JVM
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${SYNCLINE_CLUSTER_DIR:-$here/work}"
rest_port="${SYNCLINE_CLUSTER_REST_PORT:-8081}"
rpc_port="${SYNCLINE_CLUSTER_RPC_PORT:-6123}"
prom_port="${SYNCLINE_CLUSTER_PROM_PORT:-9249}"
taskmanagers="${SYNCLINE_CLUSTER_TASKMANAGERS:-2}"
slots="${SYNCLINE_CLUSTER_SLOTS:-2}"

# The module and package openings Flink needs on Java 17 (the parent pom's flink.java.opens).
java_opens=(
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

pid_files() { ls "$work"/pid/*.pid 2>/dev/null || true; }

alive() { kill -0 "$1" 2>/dev/null; }

resolve_classpath() {
  local cp="$work/flink.classpath"
  if [ ! -s "$cp" ] || [ "$here/cluster-pom.xml" -nt "$cp" ] || [ "$root/pom.xml" -nt "$cp" ]; then
    # shellcheck disable=SC2086
    mvn -B -q ${SYNCLINE_CLUSTER_MVN_ARGS:-} -f "$here/cluster-pom.xml" \
      org.apache.maven.plugins:maven-dependency-plugin:3.7.1:build-classpath -Dmdep.outputFile="$cp" >"$work/log/maven.log" 2>&1 || {
      cat "$work/log/maven.log" >&2
      echo "cluster.sh: could not resolve Flink's jars; see $work/log/maven.log" >&2
      exit 1
    }
  fi
  cat "$cp"
}

write_conf() {
  mkdir -p "$work/conf"
  cat >"$work/conf/config.yaml" <<YAML
# Written by deploy/local/cluster.sh; edit the script, not this file.
jobmanager:
  rpc:
    address: localhost
    port: $rpc_port
  bind-host: localhost
  memory:
    process:
      size: 1024m
taskmanager:
  host: localhost
  bind-host: localhost
  numberOfTaskSlots: $slots
  # Flink's taskmanager.sh derives these from a process size; started directly, a TaskManager
  # needs every part spelled out (heap = framework + task heap = the JVM's -Xmx of 512m).
  cpu:
    cores: $slots
  memory:
    framework:
      heap:
        size: 128m
      off-heap:
        size: 128m
    task:
      heap:
        size: 384m
      off-heap:
        size: 0m
    network:
      min: 64m
      max: 64m
    managed:
      size: 256m
    jvm-metaspace:
      size: 256m
    jvm-overhead:
      min: 192m
      max: 192m
rest:
  address: localhost
  bind-address: localhost
  port: $rest_port
web:
  upload:
    dir: $work/uploads
io:
  tmp:
    dirs: $work/tmp
state:
  backend:
    type: rocksdb
    incremental: true
  checkpoints:
    dir: file://$work/checkpoints
  savepoints:
    dir: file://$work/savepoints
execution:
  checkpointing:
    externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
cluster:
  # A job's main that calls System.exit (the CLI does on a bad configuration) fails the
  # submission instead of stopping this JobManager, which serves other jobs.
  intercept-user-system-exit: THROW
metrics:
  reporter:
    prom:
      factory:
        class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
YAML
  cat >"$work/conf/log4j.properties" <<'LOG4J'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.akka.name = org.apache.pekko
logger.akka.level = INFO
logger.kafka.name = org.apache.kafka
logger.kafka.level = INFO
LOG4J
}

# launch NAME PROM_PORT MAIN_CLASS JVM_OPTIONS... [-- FLINK_DYNAMIC_PROPERTIES...]
launch() {
  local name="$1" port="$2" main="$3"
  shift 3
  local jvm=() flink=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  [ "$#" -gt 0 ] && shift
  flink=("$@")
  # shellcheck disable=SC2086
  nohup java "${java_opens[@]}" "${jvm[@]}" ${JAVA_OPTS:-} \
    -Dlog.file="$work/log/$name.log" \
    -Dlog4j.configurationFile="file:$work/conf/log4j.properties" \
    -cp "$classpath" "$main" --configDir "$work/conf" \
    -Dmetrics.reporter.prom.port="$port" "${flink[@]}" \
    >"$work/log/$name.out" 2>&1 </dev/null &
  echo $! >"$work/pid/$name.pid"
  echo "started $name (pid $!, Prometheus on :$port)"
}

start() {
  mkdir -p "$work/log" "$work/pid" "$work/tmp" "$work/uploads" "$work/checkpoints" "$work/savepoints"
  for f in $(pid_files); do
    if alive "$(cat "$f")"; then
      echo "cluster.sh: already running ($(basename "$f" .pid), pid $(cat "$f")); stop it first" >&2
      exit 1
    fi
    rm -f "$f"
  done
  classpath="$(resolve_classpath)"
  write_conf
  launch jobmanager "$prom_port" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint -Xms512m -Xmx512m
  for i in $(seq 1 "$taskmanagers"); do
    launch_taskmanager "$i"
  done
  echo "web UI: http://localhost:$rest_port  logs: $work/log"
}

# The TaskManager's resource id is its name, so the web UI and GET /taskmanagers name it as its
# pid file does (work/pid/taskmanager-<i>.pid).
launch_taskmanager() {
  launch "taskmanager-$1" $((prom_port + $1)) \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    -Xms512m -Xmx512m -XX:MaxDirectMemorySize=192m -XX:MaxMetaspaceSize=256m \
    -- -Dtaskmanager.resource-id="taskmanager-$1"
}

add_taskmanager() {
  local f last=0 i
  if [ ! -f "$work/pid/jobmanager.pid" ] || ! alive "$(cat "$work/pid/jobmanager.pid")"; then
    echo "cluster.sh: no JobManager running from $work; start the cluster first" >&2
    exit 1
  fi
  for f in "$work"/pid/taskmanager-*.pid; do
    [ -e "$f" ] || continue
    i="${f##*/taskmanager-}"
    i="${i%.pid}"
    [ "$i" -gt "$last" ] && last="$i"
  done
  classpath="$(resolve_classpath)"
  launch_taskmanager $((last + 1))
}

stop() {
  local pids=() f
  for f in $(pid_files); do
    local pid
    pid="$(cat "$f")"
    if alive "$pid"; then
      kill "$pid"
      pids+=("$pid")
    fi
    rm -f "$f"
  done
  # Give the JVMs 30 s to shut down cleanly, then force them.
  for _ in $(seq 1 60); do
    local left=()
    for pid in "${pids[@]}"; do alive "$pid" && left+=("$pid"); done
    pids=("${left[@]}")
    [ "${#pids[@]}" -eq 0 ] && { echo "stopped"; return 0; }
    sleep 0.5
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
  echo "stopped (forced: ${pids[*]})"
}

status() {
  local running=0 f
  for f in $(pid_files); do
    if alive "$(cat "$f")"; then
      echo "$(basename "$f" .pid): running (pid $(cat "$f"))"
      running=1
    else
      echo "$(basename "$f" .pid): not running"
    fi
  done
  if curl -fsS "http://localhost:$rest_port/overview"; then
    echo
  else
    echo "no JobManager answering on http://localhost:$rest_port" >&2
    return 1
  fi
  [ "$running" -eq 1 ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  add-taskmanager) add_taskmanager ;;
  *) echo "usage: $0 start|stop|status|add-taskmanager" >&2; exit 2 ;;
esac
