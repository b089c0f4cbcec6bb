#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test (unit and
# integration) with ctest; prints ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
