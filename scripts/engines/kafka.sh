#!/usr/bin/env bash
# Apache Kafka 4.x, single-node KRaft (combined broker + controller) on loopback, from the Maven Central jars.
#   bash scripts/engines/kafka.sh install|start|stop|restart|status|pid
# Idempotent: install reuses the cached jars, start returns at once if the broker already answers, stop is a no-op
# when nothing runs. Jars are cached outside the repository; data and logs live in KAFKA_DATA_DIR.
# Settings (environment):
#   KAFKA_VERSION     4.2.2                               (one of the 4.x releases on Maven Central)
#   KAFKA_PORT        19092                               (PLAINTEXT listener, the bootstrap address)
#   KAFKA_CONTROLLER_PORT 19093
#   KAFKA_DATA_DIR    $DRIFTWATCH_CACHE/run/kafka-$KAFKA_PORT (log.dirs, server.properties, kafka.log, kafka.pid)
#   KAFKA_HEAP        -Xmx512m -Xms256m
#   KAFKA_START_TIMEOUT 180 (seconds; a cold JVM on a busy 2-core machine needs about 45)
set -euo pipefail

CACHE="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
VERSION="${KAFKA_VERSION:-4.2.2}"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
HOME_DIR="$CACHE/kafka/$VERSION"
LIB="$HOME_DIR/lib"
DATA="${KAFKA_DATA_DIR:-$CACHE/run/kafka-$PORT}"
PID_FILE="$DATA/kafka.pid"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
LOG_FILE="$DATA/kafka.log"
HEAP="${KAFKA_HEAP:--Xmx512m -Xms256m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"
BOOTSTRAP="localhost:$PORT"

log() { echo "[kafka] $*" >&2; }
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install() {
  if [[ -f "$LIB/.complete" ]]; then
    log "jars cached in $LIB"
    return
  fi
  for tool in java mvn; do
    command -v "$tool" >/dev/null || { log "needs $tool (Debian: apt-get install openjdk-17-jre-headless maven)"; exit 1; }
  done
  mkdir -p "$HOME_DIR"
  # One download at a time, however many starts race for it.
  exec 9>"$HOME_DIR/.install.lock"
  flock 9
  if [[ -f "$LIB/.complete" ]]; then
    flock -u 9
    return
  fi
  log "downloading Apache Kafka $VERSION and its runtime dependencies from Maven Central into $LIB"
  local work="$HOME_DIR/build"
  rm -rf "$work" "$LIB"
  mkdir -p "$work"
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.driftwatch</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
  mvn -q -B -Dstyle.color=never -f "$work/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIB"
  write_log_config
  touch "$LIB/.complete"
  rm -rf "$work"
  flock -u 9
  log "installed $(ls "$LIB" | wc -l) jars"
}

# Kafka logs through SLF4J, bound here to reload4j (log4j 1.x API); its log4j2 controller also wants a config.
write_log_config() {
  cat >"$HOME_DIR/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
EOF
  cat >"$HOME_DIR/log4j2.properties" <<'EOF'
status=error
appender.console.type=Console
appender.console.name=stdout
appender.console.layout.type=PatternLayout
appender.console.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=info
rootLogger.appenderRef.stdout.ref=stdout
EOF
}

java_run() {
  java -cp "$LIB/*" "${LOG_OPTS[@]}" "$@"
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  # The pid must still be this broker (a stale pid file may name a reused pid).
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $DATA/server.properties" && echo "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/localhost/$PORT") 2>/dev/null
}

answers() {
  # An open port first (cheap), then a metadata round trip through the admin client (a JVM start).
  port_open || return 1
  timeout 30 java -Xmx128m -cp "$LIB/*" "${LOG_OPTS[@]}" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1
}

write_config() {
  mkdir -p "$DATA/logs"
  cat >"$DATA/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$CONTROLLER_PORT
listeners=PLAINTEXT://localhost:$PORT,CONTROLLER://localhost:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA/logs
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

start() {
  install
  write_log_config
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on $BOOTSTRAP"
    wait_ready "$pid"
    return
  fi
  write_config
  if [[ ! -f "$DATA/logs/meta.properties" ]]; then
    local id
    id="$(java_run kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    log "formatting KRaft storage in $DATA/logs (cluster id $id)"
    java_run kafka.tools.StorageTool format --standalone -t "$id" -c "$DATA/server.properties" >>"$LOG_FILE" 2>&1
  fi
  log "starting broker on $BOOTSTRAP (controller :$CONTROLLER_PORT), log $LOG_FILE"
  # shellcheck disable=SC2086
  nohup java $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -cp "$LIB/*" "${LOG_OPTS[@]}" kafka.Kafka "$DATA/server.properties" >>"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "broker exited during start; last log lines:"
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "broker did not answer on $BOOTSTRAP within ${START_TIMEOUT}s; see $LOG_FILE"
      exit 1
    fi
    sleep 1
  done
  log "ready on $BOOTSTRAP (pid $pid)"
}


status() {
  local pid
  if pid="$(running_pid)" && answers; then
    echo "running pid=$pid bootstrap=$BOOTSTRAP data=$DATA"
  elif pid="$(running_pid)"; then
    echo "starting-or-unhealthy pid=$pid bootstrap=$BOOTSTRAP"
    return 1
  else
    echo "stopped"
    return 3
  fi
}

LOG_OPTS=(-Dlog4j.configuration="file:$HOME_DIR/log4j.properties" -Dlog4j2.configurationFile="$HOME_DIR/log4j2.properties")

dispatch "$@"
