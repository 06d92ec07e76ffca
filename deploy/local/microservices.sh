#!/usr/bin/env bash
# The local microservice run (#7, #8): one liu-server process per component
# (impact; eligibility with review; audit), each with its own database, calling
# each other over mutual TLS, started and stopped with one command.
#
#   deploy/local/microservices.sh start    # build, make certificates, start, wait until SERVING
#   eval "$(deploy/local/microservices.sh env)"   # point liuctl at them
#   deploy/local/microservices.sh status   # each process: address, pid, health
#   deploy/local/microservices.sh stop     # SIGTERM, wait until they are gone
#
# Layout of the state directory (--dir, default .liu-data/microservices, kept
# between runs like run.sh's .liu-data):
#   tls/                     CA, server and client certificates (make-certs.sh)
#   dev-signing-key.pem      the development token key, copied into every data
#                            directory so that one `liuctl dev-token` works for all
#   COMPONENT-N/             data directory of replica N (SQLite database unless
#                            --database_url)
#   COMPONENT-N.log, .pid    its log and process id
#   layout                   the options of the last start (for stop/status/env)
#
# Ports: component c (0 impact, 1 eligibility, 2 audit), replica r (0-based)
# listens on 127.0.0.1:(base_port + c + 3*r): 50061-50063 by default, and
# 50064-50066 for the second replicas.
#
# Replicated layout (#8): --replicas=2 --database_url=postgresql://user@host:port/
# runs two processes per component; the replicas of a component share one
# PostgreSQL database (PREFIX_COMPONENT, created with psql if missing), and
# every peer and client reaches a component through its replica list
# (127.0.0.1:a,127.0.0.1:b: client-side round-robin).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
components=(impact eligibility audit)

usage() {
  cat <<EOF
usage: $0 start|stop|status|env [options]

commands:
  start    build (unless --bin_dir or LIU_SKIP_BUILD=1), make certificates and
           the development key, start every process and wait until each is SERVING
  stop     send SIGTERM to every process and wait until it has exited
  status   show each process: address, pid, running or not, health; exits 0
           when every one is SERVING, 3 when none runs, 1 otherwise
  env      print export lines for eval: LIU_IMPACT_SERVER, LIU_ELIGIBILITY_SERVER,
           LIU_AUDIT_SERVER, LIU_SERVER (eligibility), LIU_TLS_CA, LIU_TLS_CERT, LIU_TLS_KEY

options (start; stop, status and env read the layout the last start recorded):
  --dir=DIR            state directory (default .liu-data/microservices in the
                       repository)
  --base_port=N        first port (default 50061); see the header for the layout
  --bin_dir=DIR        take liu-server and liuctl from DIR and do not build
                       (default build/release/bin, built first)
  --rules_dir=DIR      rules directory (default: the repository's rules/)
  --replicas=N         processes per component (default 1); above 1 needs
                       --database_url
  --database_url=URL   postgresql://user[:password]@host:port[/db] of a PostgreSQL
                       server whose user may CREATE DATABASE: each component gets
                       database PREFIX_COMPONENT there (its replicas share it);
                       default: SQLite in each data directory
  --database_prefix=P  prefix of those database names (default liu)
  --timeout=SECONDS    how long start waits for SERVING and stop for exit (default 60)
  -h, --help           this help

environment: LIU_SKIP_BUILD=1 skips the build (binaries in build/release/bin).
EOF
}

die() {
  echo "microservices.sh: $*" >&2
  exit 1
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
case "$1" in
  -h | --help) usage; exit 0 ;;
  start | stop | status | env) command=$1; shift ;;
  *) echo "microservices.sh: unknown command '$1'" >&2; usage >&2; exit 2 ;;
esac

dir=$repo/.liu-data/microservices
base_port=""
bin_dir=""
rules_dir=""
replicas=""
database_url=""
database_prefix=""
timeout=60
while [ $# -gt 0 ]; do
  option=$1
  shift
  case "$option" in
    -h | --help) usage; exit 0 ;;
    --*=*) name=${option%%=*}; value=${option#*=} ;;
    --dir | --base_port | --bin_dir | --rules_dir | --replicas | --database_url | \
      --database_prefix | --timeout)
      [ $# -gt 0 ] || { echo "microservices.sh: $option needs a value" >&2; exit 2; }
      name=$option; value=$1; shift ;;
    *) echo "microservices.sh: unknown option '$option'" >&2; usage >&2; exit 2 ;;
  esac
  case "$name" in
    --dir) dir=$value ;;
    --base_port) base_port=$value ;;
    --bin_dir) bin_dir=$value ;;
    --rules_dir) rules_dir=$value ;;
    --replicas) replicas=$value ;;
    --database_url) database_url=$value ;;
    --database_prefix) database_prefix=$value ;;
    --timeout) timeout=$value ;;
    *) echo "microservices.sh: unknown option '$name'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds"

# ---- the layout: from the options on start, from the layout file otherwise.
if [ "$command" = start ]; then
  base_port=${base_port:-50061}
  replicas=${replicas:-1}
  rules_dir=${rules_dir:-$repo/rules}
  database_prefix=${database_prefix:-liu}
  if ! [[ "$base_port" =~ ^[1-9][0-9]*$ ]] || [ "$base_port" -gt 65000 ]; then
    die "--base_port must be a port number (at most 65000)"
  fi
  [[ "$replicas" =~ ^[1-9]$ ]] || die "--replicas must be 1 to 9"
  [[ "$database_prefix" =~ ^[a-z_][a-z0-9_]*$ ]] ||
    die "--database_prefix must be lower-case letters, digits and _"
  [ "$replicas" -eq 1 ] || [ -n "$database_url" ] ||
    die "--replicas=$replicas needs --database_url: replicas share a PostgreSQL database"
  case "$database_url" in
    "" | postgresql://* | postgres://*) ;;
    *) die "--database_url must be a postgresql:// URL" ;;
  esac
  [ -d "$rules_dir" ] || die "no rules directory $rules_dir"
  rules_dir=$(cd "$rules_dir" && pwd)
  mkdir -p "$dir"
fi
[ -d "$dir" ] || die "no state directory $dir: nothing was started there"
dir=$(cd "$dir" && pwd)
layout_file=$dir/layout
if [ "$command" != start ]; then
  [ -f "$layout_file" ] || die "$dir has no layout: nothing was started there (start --dir=$dir)"
  [ -z "$base_port$replicas$bin_dir$rules_dir$database_url$database_prefix" ] ||
    die "$command takes only --dir and --timeout: the layout is that of the last start"
  # shellcheck source=/dev/null
  source "$layout_file"
fi

# Address of replica r (0-based) of component index c.
address() { echo "127.0.0.1:$((base_port + $1 + 3 * $2))"; }
# Comma-separated replica list of component index c.
targets() {
  local c=$1 r list=""
  for ((r = 0; r < replicas; r++)); do list+="${list:+,}$(address "$c" "$r")"; done
  echo "$list"
}
# The URL of database `name` on the server of URL $1 (its path replaced).
with_database() {
  local url=$1 name=$2 rest authority query=""
  rest=${url#*://}
  authority=${rest%%[/?]*}
  case "$rest" in *\?*) query="?${rest#*\?}" ;; esac
  echo "${url%%://*}://$authority/$name$query"
}
# Is pid file $1's process a live liu-server? Prints the pid if so.
live_pid() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q liu-server || return 1
  echo "$pid"
}
# liuctl health of one address, with only the options given here (an
# exported LIU_* of a previous `eval` must not add servers to the check).
health() {
  env -u LIU_SERVER -u LIU_IMPACT_SERVER -u LIU_ELIGIBILITY_SERVER -u LIU_AUDIT_SERVER \
    -u LIU_TLS_CA -u LIU_TLS_CERT -u LIU_TLS_KEY -u LIU_TOKEN \
    "$bin_dir/liuctl" health --server="$1" --tls_ca="$dir/tls/ca.pem" \
    --tls_cert="$dir/tls/client.pem" --tls_key="$dir/tls/client.key" "${@:2}" </dev/null
}
# Every process as "name component-index replica-index".
processes() {
  local c r
  for ((r = 0; r < replicas; r++)); do
    for c in "${!components[@]}"; do echo "${components[$c]}-$((r + 1)) $c $r"; done
  done
}

stop_all() {
  local name c r pid pids=() names=() i deadline
  while read -r name c r; do
    if pid=$(live_pid "$dir/$name.pid"); then
      kill -TERM "$pid"
      pids+=("$pid")
      names+=("$name")
    fi
    rm -f "$dir/$name.pid"
  done < <(processes)
  deadline=$((SECONDS + timeout))
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then
        echo "microservices.sh: ${names[$i]} (pid ${pids[$i]}) still running after ${timeout}s: SIGKILL" >&2
        kill -KILL "${pids[$i]}" 2>/dev/null || true
        break
      fi
      sleep 0.1
    done
    echo "stopped ${names[$i]} (pid ${pids[$i]})"
  done
  [ ${#pids[@]} -gt 0 ] || echo "nothing running in $dir"
}

case "$command" in
  start)
    # Whatever an earlier start left running here (whatever its layout).
    for pid_file in "$dir"/*.pid; do
      if pid=$(live_pid "$pid_file"); then
        die "$(basename "$pid_file" .pid) is already running (pid $pid): $0 stop --dir=$dir"
      fi
    done
    while read -r name c r; do
      port=$((base_port + c + 3 * r))
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "127.0.0.1:$port: address already in use (choose another --base_port)"
      fi
    done < <(processes)

    if [ -z "$bin_dir" ]; then
      bin_dir=$repo/build/release/bin
      if [ "${LIU_SKIP_BUILD:-}" != 1 ]; then
        (
          cd "$repo"
          deploy/local/install-deps.sh
          cmake --preset release >/dev/null
          cmake --build --preset release --target liu-server liuctl
        ) || die "the build failed"
      fi
    fi
    for binary in liu-server liuctl; do
      [ -x "$bin_dir/$binary" ] ||
        die "no $binary in $bin_dir: build it (without LIU_SKIP_BUILD=1), or pass --bin_dir"
    done
    bin_dir=$(cd "$bin_dir" && pwd)

    "$repo/deploy/local/make-certs.sh" "$dir/tls" >/dev/null
    if [ ! -f "$dir/dev-signing-key.pem" ]; then
      (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$dir/dev-signing-key.pem" 2>/dev/null) || die "cannot make the development key"
    fi

    declare -A database_urls=()
    if [ -n "$database_url" ]; then
      command -v psql >/dev/null || die "psql is needed with --database_url (Debian: postgresql-client)"
      for component in "${components[@]}"; do
        database=${database_prefix}_$component
        exists=$(psql "$database_url" -XtAq -v ON_ERROR_STOP=1 \
          -c "SELECT 1 FROM pg_database WHERE datname = '$database'") ||
          die "cannot reach the PostgreSQL server of --database_url"
        if [ "$exists" != 1 ]; then
          psql "$database_url" -XqA -v ON_ERROR_STOP=1 -c "CREATE DATABASE $database \
            TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null ||
            die "cannot create database $database"
        fi
        database_urls[$component]=$(with_database "$database_url" "$database")
      done
    fi

    {
      printf 'base_port=%q\nreplicas=%q\nbin_dir=%q\nrules_dir=%q\n' \
        "$base_port" "$replicas" "$bin_dir" "$rules_dir"
      printf 'database_url=%q\ndatabase_prefix=%q\n' "$database_url" "$database_prefix"
    } >"$layout_file"
    chmod 600 "$layout_file"

    impact_targets=$(targets 0)
    eligibility_targets=$(targets 1)
    while read -r name c r; do
      component=${components[$c]}
      data_dir=$dir/$name
      mkdir -p "$data_dir"
      # One key for all: every process trusts the tokens `liuctl dev-token
      # --key_file=$dir/dev-signing-key.pem` mints, and the processes' own
      # service tokens (minted with the same key) are trusted by their peers.
      (umask 077 && cp "$dir/dev-signing-key.pem" "$data_dir/dev-signing-key.pem")
      flags=(
        "--listen=$(address "$c" "$r")" "--services=$component"
        "--data_dir=$data_dir" "--rules_dir=$rules_dir"
        "--tls_cert=$dir/tls/server.pem" "--tls_key=$dir/tls/server.key"
        "--tls_client_ca=$dir/tls/ca.pem"
        "--peer_tls_ca=$dir/tls/ca.pem" "--peer_tls_cert=$dir/tls/client.pem"
        "--peer_tls_key=$dir/tls/client.key"
        "--shutdown_grace=10s"
      )
      case "$component" in
        impact | audit) flags+=("--eligibility_target=$eligibility_targets") ;;
        eligibility) flags+=("--impact_target=$impact_targets") ;;
      esac
      [ -z "$database_url" ] || flags+=("--database_url=${database_urls[$component]}")
      echo "== $(date -u +%FT%TZ) start: liu-server --listen=$(address "$c" "$r") --services=$component" >>"$dir/$name.log"
      nohup "$bin_dir/liu-server" "${flags[@]}" >>"$dir/$name.log" 2>&1 </dev/null &
      echo $! >"$dir/$name.pid"
    done < <(processes)

    # Wait until every process is SERVING; on failure stop them all.
    deadline=$((SECONDS + timeout))
    while read -r name c r; do
      until health "$(address "$c" "$r")" >/dev/null 2>&1; do
        if ! live_pid "$dir/$name.pid" >/dev/null; then
          echo "microservices.sh: $name exited; the end of $dir/$name.log:" >&2
          tail -n 20 "$dir/$name.log" >&2
          stop_all >/dev/null
          exit 1
        fi
        if [ $SECONDS -ge $deadline ]; then
          echo "microservices.sh: $name is not SERVING on $(address "$c" "$r") after ${timeout}s; the end of $dir/$name.log:" >&2
          tail -n 20 "$dir/$name.log" >&2
          stop_all >/dev/null
          exit 1
        fi
        sleep 0.2
      done
      echo "$name  $(address "$c" "$r")  pid $(cat "$dir/$name.pid")  SERVING"
    done < <(processes)
    echo "all SERVING; point liuctl at them with:  eval \"\$($0 env --dir=$dir)\""
    echo "tokens: $bin_dir/liuctl dev-token --key_file=$dir/dev-signing-key.pem --role=ipa --organisation=ipa"
    ;;

  stop)
    stop_all
    ;;

  status)
    running=0
    serving=0
    total=0
    while read -r name c r; do
      total=$((total + 1))
      address=$(address "$c" "$r")
      if pid=$(live_pid "$dir/$name.pid"); then
        running=$((running + 1))
        if health "$address" >/dev/null 2>&1; then
          state=SERVING
          serving=$((serving + 1))
        else
          state="NOT SERVING"
        fi
        echo "$name  $address  pid $pid  running  $state"
      else
        echo "$name  $address  stopped"
      fi
    done < <(processes)
    [ "$running" -gt 0 ] || exit 3
    [ "$serving" -eq "$total" ] || exit 1
    ;;

  env)
    # Single-quoted for eval (printf %q would escape the commas).
    quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
    echo "export LIU_IMPACT_SERVER=$(quote "$(targets 0)")"
    echo "export LIU_ELIGIBILITY_SERVER=$(quote "$(targets 1)")"
    echo "export LIU_AUDIT_SERVER=$(quote "$(targets 2)")"
    echo "export LIU_SERVER=$(quote "$(targets 1)")"
    echo "export LIU_TLS_CA=$(quote "$dir/tls/ca.pem")"
    echo "export LIU_TLS_CERT=$(quote "$dir/tls/client.pem")"
    echo "export LIU_TLS_KEY=$(quote "$dir/tls/client.key")"
    echo "# tokens: $bin_dir/liuctl dev-token --key_file=$dir/dev-signing-key.pem --role=ipa --organisation=ipa"
    ;;
esac
