#!/usr/bin/env bash
# The test command: installs what is missing, builds everything with
# AddressSanitizer and UndefinedBehaviorSanitizer, and runs the whole suite
# with ctest twice: on SQLite, and on PostgreSQL, in a throwaway cluster
# (tests/throwaway-postgres.sh) on 127.0.0.1 that it removes afterwards.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/local/install-deps.sh --with-postgresql-server
cmake --preset asan >/dev/null
cmake --build --preset asan

# Under /tmp, so that the cluster's owner (not root) can reach it.
cluster=$(mktemp -u -d /tmp/liu-postgres.XXXXXX)
trap 'tests/throwaway-postgres.sh stop "$cluster"' EXIT
database_url=$(tests/throwaway-postgres.sh start "$cluster")

# Two tests per core: they wait on fsync, on PostgreSQL and on their servers
# more than they compute.
jobs=$((2 * $(nproc)))
failed=()
echo "== the suite on SQLite" >&2
ctest --preset asan --parallel "$jobs" || failed+=(SQLite)
echo "== the suite on PostgreSQL" >&2
LIU_TEST_DATABASE_URL=$database_url ctest --preset asan --parallel "$jobs" ||
  failed+=(PostgreSQL)
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED on: ${failed[*]}" >&2
  exit 1
fi
echo "passed on SQLite and PostgreSQL" >&2
