#!/usr/bin/env bash
# Installs the project with its test extras into .venv and runs the test suite.
# The browser test drives Debian's Chromium (with CJK fonts); it is installed here when missing
# and the machine allows it (root with apt), otherwise that test is skipped with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
    || echo "warning: could not install chromium; the browser test will be skipped" >&2
fi
bash scripts/install.sh '[dev]'
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/python -m pytest -q "$@"
