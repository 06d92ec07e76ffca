#!/usr/bin/env bash
# Installs, from Debian 12 packages, whatever the build and the tests need and
# this machine lacks. Installs nothing when everything is present. Needs root
# or sudo only when something is missing.
#
#   install-deps.sh                            # to build and run
#   install-deps.sh --with-postgresql-server   # also PostgreSQL's server, for
#                                              # the tests' throwaway cluster
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  libabsl-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev libpq-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev openssl
  python3 python3-grpcio python3-protobuf python3-yaml
)
case "${1:-}" in
  "") ;;
  --with-postgresql-server) packages+=(postgresql) ;;
  *) echo "usage: $0 [--with-postgresql-server]" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
