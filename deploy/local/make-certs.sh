#!/usr/bin/env bash
# Makes the certificates of a local deployment in DIR (default
# .liu-data/tls): a private CA, a server certificate for localhost /
# 127.0.0.1 / ::1, and a client certificate for service-to-service calls
# (mutual TLS). Existing files are kept. Uses the openssl command.
set -euo pipefail
dir="${1:-.liu-data/tls}"
mkdir -p "$dir"
cd "$dir"
umask 077

if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.pem -days 825 -subj "/CN=ISMAP-LIU local CA" 2>/dev/null
fi

issue() {  # name, subject CN, extensions
  local name=$1 cn=$2 ext=$3
  [ -f "$name.pem" ] && return 0
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn" 2>/dev/null
  printf '%s\n' "$ext" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$name.pem" -days 825 -extfile "$name.ext" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

issue server "ismap-liu server" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth"
issue client "ismap-liu service client" \
  "extendedKeyUsage=clientAuth"
echo "$dir: ca.pem, server.pem/server.key, client.pem/client.key"
