#!/usr/bin/env bash
# Creates (or reuses) the virtualenv in which tests/sdk builds, installs and tests the Python SDK (sdks/python), and
# prints the path of its python. It holds the SDK's dependencies at the versions scripts/python-clients.sh verified,
# the OpenAI client, pytest, and the build backend (so the wheel builds offline, without build isolation); the SDK
# itself is installed from the freshly built wheel by the test. Idempotent: a second run with the same pins installs
# nothing.
set -euo pipefail

CACHE_DIR="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
VENV="$CACHE_DIR/pyenv-sdk"
PY="$VENV/bin/python"

PINS=(
  "opentelemetry-api==1.45.2"
  "opentelemetry-sdk==1.45.2"
  "opentelemetry-exporter-otlp-proto-http==1.45.2"
  "openinference-instrumentation-openai==0.1.66"
  "openai==3.57.0"
  "pytest==9.1.1"
  "setuptools==80.9.0"
)
STAMP="$VENV/.driftwatch-pins"
WANT="$(printf '%s\n' "${PINS[@]}")"

if [ ! -x "$PY" ]; then
  mkdir -p "$CACHE_DIR"
  python3 -m venv "$VENV" >&2
fi

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  "$PY" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" >&2
  printf '%s\n' "$WANT" > "$STAMP"
fi

echo "$PY"
