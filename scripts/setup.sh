#!/usr/bin/env bash
# One-time (and idempotent) set-up on a fresh machine: .venv, pinned CPU torch first,
# requirements, tiktoken encodings seeded offline, a CJK font for the Chinese charts (eval report,
# 洞察 tab). `--browser` (make test) also installs Debian's chromium for the browser tests and
# postgresql for the conversation-log tests (needs root; otherwise says so and they are skipped).
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

# Chinese chart text (matplotlib) needs a CJK font; rag/charts.py finds fonts-noto-cjk.
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing fonts-noto-cjk for the Chinese charts"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk >/dev/null
  else
    echo "setup: WARNING: fonts-noto-cjk missing and not root: Chinese chart text will not render" >&2
  fi
fi

if [ "${1:-}" = "--browser" ]; then
  # PostgreSQL for the conversation-log tests: tests/support/postgres.py starts a throwaway cluster
  # (initdb on a temp folder, 127.0.0.1, a free port) and stops it; the package's own service is not used.
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then
    :
  elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian postgresql for the conversation-log tests"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  else
    echo "setup: WARNING: postgresql missing and not root: PostgreSQL tests will be SKIPPED" >&2
  fi
  if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    :
  elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian chromium and fonts-noto-cjk for the browser tests"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null
  else
    echo "setup: WARNING: chromium/fonts-noto-cjk missing and not root: browser tests will be SKIPPED" >&2
  fi
fi
