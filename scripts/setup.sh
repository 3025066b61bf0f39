#!/usr/bin/env bash
# One-time (and idempotent) set-up on a fresh machine: .venv, pinned CPU torch first,
# requirements, tiktoken encodings seeded offline. `--browser` also installs Debian's
# chromium + CJK fonts for the browser tests (needs root; otherwise says so).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing torch==2.13.0 (CPU) first, then requirements.txt"
  .venv/bin/pip install -q "torch==2.13.0"
  .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
.venv/bin/python -c "from rag.text.tokens import seed_tiktoken_cache; from rag.settings import get_settings; seed_tiktoken_cache(get_settings().paths.cache_dir / 'tiktoken')"

if [ "${1:-}" = "--browser" ]; then
  if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    :
  elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian chromium and fonts-noto-cjk for the browser tests"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null
  else
    echo "setup: WARNING: chromium/fonts-noto-cjk missing and not root: browser tests will be SKIPPED" >&2
  fi
fi
