# Shared by the engine harnesses (sourced, not run). The caller defines log(), running_pid() and PID_FILE;
# STOP_TIMEOUT (seconds) defaults to 30.

# Stops the engine: SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL; safe when it is not running.
stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    rm -f "$PID_FILE"
    return
  fi
  log "stopping pid $pid (SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + ${STOP_TIMEOUT:-30}))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after ${STOP_TIMEOUT:-30}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

# The verbs every harness answers; the caller defines install(), start() and status().
dispatch() {
  case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    restart)
      stop
      start
      ;;
    status) status ;;
    pid) running_pid ;;
    *)
      echo "usage: $0 install|start|stop|restart|status|pid" >&2
      exit 2
      ;;
  esac
}
