#!/usr/bin/env bash
# The run command: installs what is missing, builds the release preset, and
# serves every service in one process on 127.0.0.1:50051 with an embedded
# SQLite database in .liu-data/ (kept between runs) until Ctrl-C.
# Extra arguments go to liu-server (e.g. --listen=127.0.0.1:50052).
set -euo pipefail
cd "$(dirname "$0")/../.."

deploy/local/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target liu-server liuctl
exec build/release/bin/liu-server --listen=127.0.0.1:50051 --plaintext --data_dir=.liu-data \
  --rules_dir=rules "$@"
