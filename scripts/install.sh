#!/usr/bin/env bash
# Creates .venv and installs the project into it: `bash scripts/install.sh [extras]`, e.g. "[dev]".
# llama-cpp-python compiles llama.cpp here (several minutes once; pip keeps the wheel). On x86-64
# it is built for AVX2 without -march=native: the native build crashed on AMX CPUs (see
# ../shared/docs/offline-models.md), and a portable build runs on every machine of the kind.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -m)" = x86_64 ] && [ -z "${CMAKE_ARGS:-}" ]; then
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DLLAVA_BUILD=OFF"
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${1:-}"
