#!/usr/bin/env bash
# A whole BeatOrleans cluster on this machine, as plain processes (no Docker):
# Redis + PostgreSQL + RabbitMQ (unless given), one silo per domain, two API nodes.
#
#   scripts/cluster.sh up            build, start everything, wait until every process is ready
#   scripts/cluster.sh status        one line per running process: NAME PID [BASE_URL for API nodes]
#   scripts/cluster.sh down          stop API nodes, silos, then the servers it started; data stays for the next `up`
#   scripts/cluster.sh down --purge  the same, then delete the cluster folder (data, logs, secrets)
#   scripts/cluster.sh stop NAME     SIGTERM one process (orderly leave)
#   scripts/cluster.sh kill NAME     SIGKILL one process (a crash)
#   scripts/cluster.sh start NAME    start a stopped or killed process again, same settings, wait until ready
#   scripts/cluster.sh add DOMAIN    start one more silo of DOMAIN (prints its name)
#   scripts/cluster.sh url NAME      base URL of a process (API nodes: the API; silos: their health port)
#   scripts/cluster.sh metrics NAME  URL of a process's Prometheus metrics (API nodes: their metrics port; silos: the health port)
#
# Settings (environment):
#   CLUSTER_DIR            state and logs (default .cluster/ in the repository)
#   CLUSTER_BASE_PORT      ports are laid out above it (default 17000): api-N at +N (its /metrics at +95+N, N <= 4),
#                          silo i at +10+i (gateway +40+i, health and /metrics +70+i, i < 25)
#   CLUSTER_DOMAINS        domains that get a silo each (default: users chat notifications catalog purchasing)
#   CLUSTER_S3             S3 endpoint for audio (with CLUSTER_S3_BUCKET, CLUSTER_S3_ACCESS_KEY, CLUSTER_S3_SECRET_KEY);
#                          without it every process shares the local folder $CLUSTER_DIR/blobs
#   CLUSTER_API_NODES      number of API nodes (default 2)
#   CLUSTER_REDIS          use this Redis (host:port) instead of starting one
#   CLUSTER_POSTGRES       use this PostgreSQL (Npgsql connection string) instead of starting one
#   CLUSTER_RABBITMQ       with CLUSTER_REDIS and CLUSTER_POSTGRES: the RabbitMQ (amqp:// URI) of the bridge; unset, the
#                          bridge is off. Without CLUSTER_REDIS/CLUSTER_POSTGRES the script starts a RabbitMQ too
#   CLUSTER_BRIDGE         off: the processes get no RabbitMQ (the bridge is off, as in the scale benchmark's chat step)
#   CLUSTER_ID             Orleans cluster and service id (default beatorleans-local)
#   CLUSTER_CONFIGURATION  Release (default) or Debug; CLUSTER_NO_BUILD=1 skips the build
#   CLUSTER_OPERATOR_PASSWORD  dashboard operator password (default: generated, see $CLUSTER_DIR/operator)
#   CLUSTER_RATE_LIMIT     credential requests per client per minute on each API node (default 30)
#   CLUSTER_API_ARGS       extra arguments for every API node (e.g. --RateLimits:MessagesPerUserPer10Seconds=1000)
#   CLUSTER_PAYMENTS       Payments:Provider of the silos unless the environment sets Payments__Provider (default
#                          simulated: no money moves; stripe needs the Payments__Stripe__* settings in the environment)
set -euo pipefail

BO_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/servers.sh
source "$BO_REPO_ROOT/scripts/lib/servers.sh"

dir=${CLUSTER_DIR:-$BO_REPO_ROOT/.cluster}
base_port=${CLUSTER_BASE_PORT:-17000}
domains=${CLUSTER_DOMAINS:-users chat notifications catalog purchasing}
api_nodes=${CLUSTER_API_NODES:-2}
cluster_id=${CLUSTER_ID:-beatorleans-local}
configuration=${CLUSTER_CONFIGURATION:-Release}
procs=$dir/procs
mkdir -p "$procs" "$dir/logs"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

pid_of() { [[ -s $procs/$1.pid ]] && tr -dc '0-9' <"$procs/$1.pid"; }
running() { local pid; pid=$(pid_of "$1") && bo_pid_alive "$pid"; }
names() { find "$procs" -name '*.cmd' -printf '%f\n' | sed 's/\.cmd$//' | sort; }

# A secret made once per cluster folder, so restarts and API nodes share it.
secret() { # FILE COMMAND...
  local file=$dir/$1
  shift
  [[ -s $file ]] || { (umask 077 && "$@" >"$file"); }
  cat "$file"
}

servers() { # the connection strings, from the environment or the servers this script started
  if [[ -n ${CLUSTER_REDIS:-} && -n ${CLUSTER_POSTGRES:-} ]]; then
    redis=$CLUSTER_REDIS postgres=$CLUSTER_POSTGRES rabbitmq=${CLUSTER_RABBITMQ:-}
  elif [[ -s $dir/servers.env ]]; then
    # shellcheck disable=SC1091
    source "$dir/servers.env"
    redis=$BEATORLEANS_TEST_REDIS postgres=$BEATORLEANS_TEST_POSTGRES rabbitmq=${BEATORLEANS_TEST_RABBITMQ:-}
  else
    return 1
  fi
  [[ ${CLUSTER_BRIDGE:-on} != off ]] || rabbitmq=""
}

start_servers() {
  servers && return 0
  BO_RUN_DIR=$dir/servers
  if [[ -s $dir/servers.saved ]]; then
    # Started before and stopped by `down`: the same ports and passwords reach the data the servers kept.
    # shellcheck disable=SC1091
    source "$dir/servers.saved"
    export BEATORLEANS_REDIS_PORT=$BO_REDIS_PORT BEATORLEANS_POSTGRES_PORT=$BO_PG_PORT BEATORLEANS_RABBITMQ_PORT=$BO_RABBITMQ_PORT \
      BEATORLEANS_RABBITMQ_DIST_PORT=$BO_RABBITMQ_DIST_PORT BEATORLEANS_EPMD_PORT=$BO_EPMD_PORT
    log "starting Redis, PostgreSQL and RabbitMQ again on their data under $dir/servers"
  else
    log "starting Redis, PostgreSQL and RabbitMQ under $dir/servers"
  fi
  mkdir -p "$BO_RUN_DIR"
  chmod o+x "$dir" # PostgreSQL runs as its own user and must traverse (not list) the folder
  bo_make_run_dir
  # A server that fails to start must not leave the other one running behind the script.
  trap bo_stop_all EXIT
  bo_install_deps
  bo_start_rabbitmq # boots in the background while the others start
  bo_start_redis
  bo_start_postgres
  bo_wait_rabbitmq
  (umask 077 && {
    printf 'export %s=%q\n' BEATORLEANS_TEST_REDIS "$BEATORLEANS_TEST_REDIS" BEATORLEANS_TEST_POSTGRES "$BEATORLEANS_TEST_POSTGRES" \
      BEATORLEANS_TEST_RABBITMQ "$BEATORLEANS_TEST_RABBITMQ"
    printf '%s=%q\n' BO_REDIS_PIDFILE "$BO_REDIS_PIDFILE" BO_PG_DATA "$BO_PG_DATA" BO_PG_BIN "$BO_PG_BIN" BO_RUN_DIR "$BO_RUN_DIR" \
      BO_RABBITMQ_NODE "$BO_RABBITMQ_NODE" BO_RABBITMQ_PORT "$BO_RABBITMQ_PORT" BO_RABBITMQ_DIST_PORT "$BO_RABBITMQ_DIST_PORT" \
      BO_EPMD_PORT "$BO_EPMD_PORT" BO_EPMD_STARTED "$BO_EPMD_STARTED" BO_RABBITMQ_PIDFILE "$BO_RABBITMQ_PIDFILE"
  } >"$dir/servers.env")
  (umask 077 && printf '%s=%q\n' BO_REDIS_PORT "$BO_REDIS_PORT" BO_PG_PORT "$BO_PG_PORT" BO_PG_PASSWORD "$BO_PG_PASSWORD" \
    BO_RABBITMQ_PORT "$BO_RABBITMQ_PORT" BO_RABBITMQ_DIST_PORT "$BO_RABBITMQ_DIST_PORT" BO_EPMD_PORT "$BO_EPMD_PORT" \
    BO_RABBITMQ_PASSWORD "$BO_RABBITMQ_PASSWORD" >"$dir/servers.saved")
  trap - EXIT
  servers
}

stop_servers() {
  [[ -s $dir/servers.env ]] || return 0
  # shellcheck disable=SC1091
  source "$dir/servers.env"
  bo_stop_redis || true
  bo_stop_postgres || true
  [[ -z ${BO_RABBITMQ_PIDFILE:-} ]] || bo_stop_rabbitmq || true
  rm -f "$dir/servers.env"
}

# Writes NAME.cmd (how to start it) and NAME.url; the process is started by launch. Secrets (passwords, keys, the
# connection strings that hold them) go into the process's environment from the .cmd file, which only this user may
# read: on the command line any local user would read them in ps or /proc/PID/cmdline.
define_silo() { # NAME DOMAIN INDEX
  local name=$1 domain=$2 index=$3
  local silo_port=$((base_port + 10 + index)) gateway_port=$((base_port + 40 + index)) health_port=$((base_port + 70 + index))
  ((index < 25)) || die "at most 25 silos per cluster folder"
  (
    umask 077
    rm -f "$procs/$name.cmd"
    {
      printf 'cd %q\n' "$dir"
      secret_env ConnectionStrings__Redis "$redis"
      secret_env ConnectionStrings__Postgres "$postgres"
      # Every silo runs the bridge (relay and consumer) when there is a broker.
      [[ -z $rabbitmq ]] || secret_env ConnectionStrings__RabbitMq "$rabbitmq"
      blob_secret_env
      printf 'exec dotnet %q' "$BO_REPO_ROOT/silos/BeatOrleans.Silo/bin/$configuration/net10.0/BeatOrleans.Silo.dll"
      printf ' %q' --Orleans:Mode=cluster "--Silo:Domains=$domain" "--Silo:SiloPort=$silo_port" \
        "--Silo:GatewayPort=$gateway_port" "--Silo:ClusterId=$cluster_id" "--Silo:ServiceId=$cluster_id" \
        "--Urls=http://127.0.0.1:$health_port"
      # The environment's Payments__Provider (and its Stripe settings) when set; else CLUSTER_PAYMENTS, simulated.
      [[ -n ${Payments__Provider:-} ]] || printf ' %q' "--Payments:Provider=${CLUSTER_PAYMENTS:-simulated}"
      blob_args
      printf '\n'
    } >"$procs/$name.cmd"
  )
  echo "http://127.0.0.1:$health_port" >"$procs/$name.url"
  echo "http://127.0.0.1:$health_port/metrics" >"$procs/$name.metrics"
}

secret_env() { printf 'export %s=%q\n' "$1" "$2"; } # NAME VALUE

# Every process reads and writes the same audio: one S3 bucket, or one folder on this machine.
blob_args() {
  if [[ -n ${CLUSTER_S3:-} ]]; then
    printf ' %q' --Blobs:Provider=s3 "--Blobs:S3:ServiceUrl=$CLUSTER_S3" "--Blobs:S3:Bucket=${CLUSTER_S3_BUCKET:?CLUSTER_S3_BUCKET is required with CLUSTER_S3}"
  else
    printf ' %q' "--Blobs:LocalRoot=$dir/blobs"
  fi
}

blob_secret_env() {
  [[ -z ${CLUSTER_S3:-} ]] && return 0
  secret_env Blobs__S3__AccessKey "${CLUSTER_S3_ACCESS_KEY:?}"
  secret_env Blobs__S3__SecretKey "${CLUSTER_S3_SECRET_KEY:?}"
}

define_api() { # NODE
  local name=api-$1 port=$((base_port + $1)) metrics_port=$((base_port + 95 + $1))
  local key password
  (($1 <= 4)) || die "at most 4 API nodes per cluster folder"
  key=$(secret jwt-signing.key sh -c 'head -c 48 /dev/urandom | base64 -w0')
  password=${CLUSTER_OPERATOR_PASSWORD:-$(secret operator sh -c 'head -c 18 /dev/urandom | base64 -w0')}
  (
    umask 077
    rm -f "$procs/$name.cmd"
    {
      printf 'cd %q\n' "$dir"
      secret_env ConnectionStrings__Redis "$redis"
      secret_env Auth__Jwt__SigningKey "$key"
      secret_env Operators__Password "$password"
      blob_secret_env
      printf 'exec dotnet %q' "$BO_REPO_ROOT/api/BeatOrleans.Api/bin/$configuration/net10.0/BeatOrleans.Api.dll"
      printf ' %q' --Orleans:Mode=cluster "--Urls=http://127.0.0.1:$port" \
        "--Silo:ClusterId=$cluster_id" "--Silo:ServiceId=$cluster_id" \
        "--RateLimits:CredentialsPerClientPerMinute=${CLUSTER_RATE_LIMIT:-30}" \
        "--Telemetry:MetricsUrl=http://127.0.0.1:$metrics_port"
      blob_args
      # shellcheck disable=SC2086
      [[ -z ${CLUSTER_API_ARGS:-} ]] || printf ' %q' ${CLUSTER_API_ARGS}
      printf '\n'
    } >"$procs/$name.cmd"
  )
  echo "http://127.0.0.1:$port" >"$procs/$name.url"
  echo "http://127.0.0.1:$metrics_port/metrics" >"$procs/$name.metrics"
}

launch() { # NAME: starts the process in the background, in its own session, logging to logs/NAME.log
  local name=$1
  running "$name" && return 0
  setsid bash "$procs/$name.cmd" >>"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$procs/$name.pid"
}

wait_ready() { # NAME...: polls each /health/ready until it answers 200
  local name deadline
  deadline=$(($(bo_now_ms) + 90000))
  for name in "$@"; do
    until curl -fs -o /dev/null --max-time 2 "$(cat "$procs/$name.url")/health/ready"; do
      running "$name" || { tail -n 30 "$dir/logs/$name.log" >&2; die "$name exited before it was ready"; }
      (($(bo_now_ms) < deadline)) || { tail -n 30 "$dir/logs/$name.log" >&2; die "$name not ready after 90 s"; }
      sleep 0.2
    done
  done
}

signal() { # SIGNAL NAME
  local pid
  pid=$(pid_of "$2") || die "$2 is not part of this cluster"
  kill "-$1" "$pid" 2>/dev/null || true
  if [[ $1 == TERM ]]; then bo_wait_pid_gone "$pid" 20; else bo_wait_pid_gone "$pid" 5; fi
}

silo_count() { find "$procs" -name 'silo-*.cmd' | wc -l; }

cmd_up() {
  start_servers
  if [[ ${CLUSTER_NO_BUILD:-0} != 1 ]]; then
    log "building ($configuration)"
    dotnet build "$BO_REPO_ROOT/silos/BeatOrleans.Silo" -c "$configuration" -v q -nologo >/dev/null
    dotnet build "$BO_REPO_ROOT/api/BeatOrleans.Api" -c "$configuration" -v q -nologo >/dev/null
  fi
  local domain index=0 node name started=()
  # Each `up` writes the processes' commands again (same names, same ports), so they follow this script's current
  # settings and file modes rather than whatever an earlier version wrote.
  for domain in ${domains//,/ }; do
    running "silo-$domain" || define_silo "silo-$domain" "$domain" "$index"
    index=$((index + 1))
    launch "silo-$domain"
    started+=("silo-$domain")
  done
  # Silos added with `add` come back too.
  for name in $(names | grep -E '^silo-.+-[0-9]+$' || true); do
    launch "$name"
    started+=("$name")
  done
  wait_ready "${started[@]}"
  for ((node = 1; node <= api_nodes; node++)); do
    running "api-$node" || define_api "$node"
    launch "api-$node"
    started+=("api-$node")
  done
  wait_ready "${started[@]}"
  log "cluster $cluster_id up; logs in $dir/logs"
  cmd_status
}

cmd_status() {
  local name pid
  for name in $(names); do
    running "$name" || continue
    pid=$(pid_of "$name")
    if [[ $name == api-* ]]; then echo "$name $pid $(cat "$procs/$name.url")"; else echo "$name $pid"; fi
  done
}

cmd_down() { # [--purge]
  local name
  [[ -z ${1:-} || $1 == --purge ]] || die "usage: cluster.sh down [--purge]"
  for name in $(names | grep '^api-' || true) $(names | grep '^silo-' || true); do
    running "$name" && signal TERM "$name"
  done
  stop_servers
  rm -f "$procs"/*.pid
  if [[ ${1:-} == --purge ]]; then
    # Only a folder this script made: it holds procs/ and logs/.
    [[ -d $dir/procs && -d $dir/logs ]] || die "$dir does not look like a cluster folder; not deleting it"
    rm -rf "$dir"
    log "cluster $cluster_id down; $dir deleted"
  else
    log "cluster $cluster_id down; data kept in $dir (down --purge deletes it)"
  fi
}

cmd_add() { # DOMAIN
  [[ -n ${1:-} ]] || die "usage: cluster.sh add DOMAIN"
  servers || die "the cluster is not up"
  local n=2
  while [[ -f $procs/silo-$1-$n.cmd ]]; do n=$((n + 1)); done
  define_silo "silo-$1-$n" "$1" "$(silo_count)"
  launch "silo-$1-$n"
  wait_ready "silo-$1-$n"
  echo "silo-$1-$n"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  stop) signal TERM "${2:?usage: cluster.sh stop NAME}" ;;
  kill) signal KILL "${2:?usage: cluster.sh kill NAME}" ;;
  start)
    [[ -f $procs/${2:?usage: cluster.sh start NAME}.cmd ]] || die "$2 is not part of this cluster"
    launch "$2" && wait_ready "$2"
    ;;
  add) cmd_add "${2:-}" ;;
  url) cat "$procs/${2:?usage: cluster.sh url NAME}.url" ;;
  metrics) cat "$procs/${2:?usage: cluster.sh metrics NAME}.metrics" ;;
  *) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
