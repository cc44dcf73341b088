#!/usr/bin/env bash
# Installs what validates deploy/ (tests/deploy/deploy.test.ts), cached outside the repository, idempotent:
#   - the Docker Compose v2 CLI plugin, built from its Go module (the machines have the docker client but no
#     compose plugin, and no engine: `docker compose config` needs none). Cold: about 11 minutes on 2 cores
#     (module download + build); afterwards the cached binary is only linked again.
#   - kubernetes-validate (JSON schemas of the Kubernetes API, shipped in the package) and yamllint, from PyPI,
#     in a virtualenv.
# Prints nothing on stdout except, at the end, the virtualenv's bin directory.
#   bash deploy/tools/install-validators.sh
# Settings: COMPOSE_VERSION (v2.40.3), DRIFTWATCH_CACHE (~/.cache/driftwatch; the binary goes to its bin/, Go's
# caches to its go/), DOCKER_CONFIG (~/.docker; the plugin is linked into its cli-plugins/).
set -euo pipefail

CACHE="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
COMPOSE_VERSION="${COMPOSE_VERSION:-v2.40.3}"
COMPOSE_BIN="$CACHE/bin/docker-compose-$COMPOSE_VERSION"
PLUGIN_DIR="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
VENV="$CACHE/deploy-validators"
PINS=("kubernetes-validate==1.37.0" "yamllint==1.38.0")

log() { echo "[deploy-validators] $*" >&2; }

install_compose() {
  if docker compose version >/dev/null 2>&1; then
    log "docker compose present: $(docker compose version --short 2>/dev/null || true)"
    return
  fi
  if [[ ! -x "$COMPOSE_BIN" ]]; then
    command -v go >/dev/null || { log "needs go (to build the compose plugin from its Go module)"; exit 1; }
    log "building docker compose $COMPOSE_VERSION from its Go module (cold: ~11 min)"
    local dir work
    # `go install` refuses this module (its go.mod has exclude directives), so build it as the main module.
    # Module and build caches shared with scripts/engines/weaviate.sh (many modules in common).
    export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
    dir="$(go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
    work="$(mktemp -d)"
    cp -r "$dir" "$work/src"
    chmod -R u+w "$work/src"
    mkdir -p "$CACHE/bin"
    (cd "$work/src" && CGO_ENABLED=0 nice go build -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
      -o "$COMPOSE_BIN.tmp" ./cmd)
    mv "$COMPOSE_BIN.tmp" "$COMPOSE_BIN"
    rm -rf "$work"
  fi
  mkdir -p "$PLUGIN_DIR"
  ln -sf "$COMPOSE_BIN" "$PLUGIN_DIR/docker-compose"
  log "docker compose: $(docker compose version --short)"
}

install_python_tools() {
  local stamp="$VENV/.driftwatch-pins" want
  want="$(printf '%s\n' "${PINS[@]}")"
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV" >&2
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" >&2
    printf '%s\n' "$want" >"$stamp"
  fi
}

install_compose
install_python_tools
echo "$VENV/bin"
