#!/usr/bin/env bash
# Weaviate, single node on loopback, built from its Go module (no container, no prebuilt download):
#   go install github.com/weaviate/weaviate/cmd/weaviate-server@v$WEAVIATE_VERSION   (CGO_ENABLED=0, like the official build)
#   bash scripts/engines/weaviate.sh install|start|stop|restart|status|pid
# Idempotent: install is a no-op when the binary for that version is cached, start returns at once if our server
# already answers, stop is a no-op when nothing runs, restart keeps the data directory. The binary, the Go module cache
# and the Go build cache live outside the repository, under $DRIFTWATCH_CACHE. A cold build is large (hundreds of
# modules): it runs under `nice` so it shares the machine, and reuses GOMODCACHE/GOCACHE when run again.
# Settings (environment):
#   WEAVIATE_VERSION        1.39.0  (go.mod of 1.39 asks for Go 1.26)
#   WEAVIATE_PORT           18080   (REST and GraphQL; bound to 127.0.0.1)
#   WEAVIATE_GRPC_PORT      50051   (gRPC API, needed by the TypeScript client v3)
#   WEAVIATE_GOSSIP_PORT    17946   (CLUSTER_GOSSIP_BIND_PORT, memberlist)
#   WEAVIATE_DATA_PORT      17947   (CLUSTER_DATA_BIND_PORT, node-to-node data API)
#   WEAVIATE_RAFT_PORT      18300   (RAFT_PORT)
#   WEAVIATE_RAFT_RPC_PORT  18301   (RAFT_INTERNAL_RPC_PORT)
#   WEAVIATE_RUN_DIR        $DRIFTWATCH_CACHE/run/weaviate-$WEAVIATE_PORT (data/, weaviate.log, weaviate.pid)
#   WEAVIATE_LOG_LEVEL      info
#   WEAVIATE_START_TIMEOUT 120, WEAVIATE_STOP_TIMEOUT 30 (seconds)
#   WEAVIATE_BUILD_NICE     10      (niceness of the cold build)
# Binding: REST, memberlist and Raft are bound to 127.0.0.1 (--host, CLUSTER_BIND_ADDR). Weaviate 1.39 has no setting
# for the listen address of the gRPC API and of the cluster data API: both listen on ":port" (all interfaces).
set -euo pipefail

CACHE="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
VERSION="${WEAVIATE_VERSION:-1.39.0}"
VERSION="${VERSION#v}"
PORT="${WEAVIATE_PORT:-18080}"
GRPC_PORT="${WEAVIATE_GRPC_PORT:-50051}"
GOSSIP_PORT="${WEAVIATE_GOSSIP_PORT:-17946}"
DATA_PORT="${WEAVIATE_DATA_PORT:-17947}"
RAFT_PORT="${WEAVIATE_RAFT_PORT:-18300}"
RAFT_RPC_PORT="${WEAVIATE_RAFT_RPC_PORT:-18301}"
HOME_DIR="$CACHE/weaviate/v$VERSION"
BIN="$HOME_DIR/bin/weaviate-server"
RUN_DIR="${WEAVIATE_RUN_DIR:-$CACHE/run/weaviate-$PORT}"
PID_FILE="$RUN_DIR/weaviate.pid"
LOG_FILE="$RUN_DIR/weaviate.log"
START_TIMEOUT="${WEAVIATE_START_TIMEOUT:-120}"
STOP_TIMEOUT="${WEAVIATE_STOP_TIMEOUT:-30}"
READY_URL="http://127.0.0.1:$PORT/v1/.well-known/ready"
MODULE="github.com/weaviate/weaviate/cmd/weaviate-server"

log() { echo "[weaviate] $*" >&2; }
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

outside_repository() {
  # The caches are large and must never land in the working tree.
  local repo cache
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
  cache="$(realpath -m "$CACHE")"
  if [[ "$cache/" == "$repo/"* ]]; then
    log "DRIFTWATCH_CACHE ($cache) is inside the repository ($repo); point it elsewhere"
    exit 2
  fi
}

install() {
  if [[ -x "$BIN" ]]; then
    log "weaviate-server v$VERSION cached at $BIN"
    return
  fi
  command -v go >/dev/null || { log "needs the Go toolchain (go >= the version weaviate's go.mod asks for)"; exit 1; }
  outside_repository
  mkdir -p "$HOME_DIR"
  # One build at a time, however many installs race for it.
  exec 9>"$HOME_DIR/.install.lock"
  flock 9
  if [[ -x "$BIN" ]]; then
    flock -u 9
    log "weaviate-server v$VERSION cached at $BIN"
    return
  fi
  # go install writes into a staging GOBIN; the binary is moved into place only once complete.
  local stage="$HOME_DIR/stage" started=$SECONDS
  rm -rf "$stage"
  mkdir -p "$stage" "$CACHE/go/mod" "$CACHE/go/build"
  log "building $MODULE@v$VERSION with $(go version | cut -d' ' -f3) (CGO_ENABLED=0, nice ${WEAVIATE_BUILD_NICE:-10});" \
    "caches in $CACHE/go; a cold build takes a long time on a small machine"
  # Run from the cache directory so no go.mod around the caller (or the repository) is involved.
  (cd "$HOME_DIR" && nice -n "${WEAVIATE_BUILD_NICE:-10}" env CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
    GOBIN="$stage" GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" \
    go install "$MODULE@v$VERSION") >&2
  mkdir -p "$(dirname "$BIN")"
  mv -f "$stage/weaviate-server" "$BIN"
  rm -rf "$stage"
  flock -u 9
  log "built $BIN in $((SECONDS - started))s"
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A pid left by a killed server may have been reused by something else.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$BIN --host 127.0.0.1 --port $PORT " || return 1
  echo "$pid"
}

answers() {
  [[ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 2 "$READY_URL" 2>/dev/null)" == "200" ]]
}

port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  install
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on http://127.0.0.1:$PORT"
    wait_ready "$pid"
    return
  fi
  local p
  for p in "$PORT" "$GRPC_PORT" "$GOSSIP_PORT" "$DATA_PORT" "$RAFT_PORT" "$RAFT_RPC_PORT"; do
    if port_busy "$p"; then
      log "port $p is already in use (not by our server: no live pid in $PID_FILE); set WEAVIATE_*_PORT"
      exit 1
    fi
  done
  mkdir -p "$RUN_DIR/data"
  log "starting v$VERSION on http://127.0.0.1:$PORT (grpc :$GRPC_PORT, gossip :$GOSSIP_PORT, data :$DATA_PORT," \
    "raft :$RAFT_PORT/:$RAFT_RPC_PORT), run dir $RUN_DIR"
  # A clean environment: only these settings reach the server, whatever the caller has exported.
  # setsid: the server gets its own session, so it outlives the shell or test process that started it.
  setsid nohup env -i PATH="$PATH" HOME="$HOME" TMPDIR="${TMPDIR:-/tmp}" \
    PERSISTENCE_DATA_PATH="$RUN_DIR/data" \
    DEFAULT_VECTORIZER_MODULE=none \
    ENABLE_MODULES= \
    API_BASED_MODULES_DISABLED=true \
    DISABLE_TELEMETRY=true \
    AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true \
    QUERY_DEFAULTS_LIMIT=25 \
    CLUSTER_HOSTNAME=node1 \
    CLUSTER_IN_LOCALHOST=true \
    CLUSTER_BIND_ADDR=127.0.0.1 \
    CLUSTER_GOSSIP_BIND_PORT="$GOSSIP_PORT" \
    CLUSTER_DATA_BIND_PORT="$DATA_PORT" \
    RAFT_PORT="$RAFT_PORT" \
    RAFT_INTERNAL_RPC_PORT="$RAFT_RPC_PORT" \
    RAFT_BOOTSTRAP_EXPECT=1 \
    GRPC_PORT="$GRPC_PORT" \
    GO_PROFILING_DISABLE=true \
    PROMETHEUS_MONITORING_ENABLED=false \
    LOG_LEVEL="${WEAVIATE_LOG_LEVEL:-info}" \
    "$BIN" --host 127.0.0.1 --port "$PORT" --scheme http >>"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "server exited during start; last log lines:"
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "server did not answer 200 on $READY_URL within ${START_TIMEOUT}s; see $LOG_FILE"
      exit 1
    fi
    sleep 0.5
  done
  log "ready on http://127.0.0.1:$PORT (pid $pid)"
}


status() {
  local pid
  if pid="$(running_pid)" && answers; then
    echo "running pid=$pid version=v$VERSION url=http://127.0.0.1:$PORT grpc=127.0.0.1:$GRPC_PORT run_dir=$RUN_DIR"
  elif pid="$(running_pid)"; then
    echo "starting-or-unhealthy pid=$pid url=http://127.0.0.1:$PORT"
    return 1
  else
    echo "stopped"
    return 3
  fi
}

dispatch "$@"
