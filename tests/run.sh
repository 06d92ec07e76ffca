#!/usr/bin/env bash
# The test command: installs what is missing, builds everything with
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs the whole suite
# with ctest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/local/install-deps.sh
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan --parallel "$(nproc)"
