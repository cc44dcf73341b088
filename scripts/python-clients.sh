#!/usr/bin/env bash
# Creates (or reuses) the virtualenv with the Python OpenTelemetry clients used by the end-to-end tests,
# and prints the path of its python. Idempotent: a second run with the same pins installs nothing.
set -euo pipefail

CACHE_DIR="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
VENV="$CACHE_DIR/pyenv"
PY="$VENV/bin/python"

# Pinned versions, verified together against tests/clients/python/openai_client.py.
PINS=(
  "opentelemetry-sdk==1.45.2"
  "opentelemetry-exporter-otlp-proto-http==1.45.2"
  "opentelemetry-exporter-otlp-proto-grpc==1.45.2"
  "openinference-instrumentation-openai==0.1.66"
  "opentelemetry-instrumentation-openai-v2==2.4b0"
  "opentelemetry-instrumentation-openai==0.62.4"
  "openai==3.57.0"
  # opentelemetry-instrumentation-openai-v2 imports httpx, which openai 3 no longer depends on (it uses httpx2).
  "httpx==0.28.1"
  # opentelemetry-util-genai 1.2b0+ renamed the instruments module that openai-v2 2.4b0 imports.
  "opentelemetry-util-genai==1.1b0"
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
