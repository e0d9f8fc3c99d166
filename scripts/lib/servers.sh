# shellcheck shell=bash
# Real backing servers for tests and local runs: Redis, PostgreSQL, RabbitMQ, s3rver (S3).
# Sourced by scripts/test.sh (and later scripts/cluster.sh). Needs bash >= 5.
#
# Typical use:
#   source scripts/lib/servers.sh
#   bo_make_run_dir; trap bo_cleanup EXIT
#   bo_install_deps; bo_start_all; ...; bo_stop_all
#
# Every server binds 127.0.0.1 on a non-default port. Default ports can be overridden by
# env (BEATORLEANS_REDIS_PORT, BEATORLEANS_POSTGRES_PORT, BEATORLEANS_RABBITMQ_PORT,
# BEATORLEANS_RABBITMQ_DIST_PORT, BEATORLEANS_EPMD_PORT, BEATORLEANS_S3_PORT). An explicit port
# that is busy is an error; a busy default moves on to the next free port.
# All data and logs live under one private run folder ($BO_RUN_DIR, from mktemp -d).
# Stopping only ever touches the processes started here (pidfiles / pg_ctl / rabbitmqctl).

BO_REPO_ROOT=${BO_REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BO_TOOLS_DIR=${BEATORLEANS_TOOLS_DIR:-$BO_REPO_ROOT/.tools}
BO_S3RVER_PACKAGE=@20minutes/s3rver
BO_S3RVER_VERSION=5.0.0
# docker-compose (v1) only validates docker-compose.yml offline; no Docker engine runs here.
# prometheus: the integration tests scrape a running cluster with it (promtool checks deploy/observability).
# poppler-utils: pdftotext reads the licence agreements in the API tests.
# chromium: the browser tests (tests/BeatOrleans.Web.Tests drive it headless through Playwright, which downloads no
# browser of its own).
BO_APT_PACKAGES=(redis-server rabbitmq-server postgresql ffmpeg docker-compose poppler-utils prometheus chromium)
BO_POLICY_RC=/usr/sbin/policy-rc.d
BO_RABBITMQ_BIN=/usr/lib/rabbitmq/bin
BO_S3_BUCKET=${BEATORLEANS_TEST_S3_BUCKET:-beatorleans-test}

BO_RUN_DIR=${BO_RUN_DIR:-}
BO_STARTED=()        # names of the servers started here, in start order
BO_CLAIMED_PORTS=()  # ports picked in this run (not yet listening when picked)
BO_POLICY_STATE=""   # "" | created | replaced : what we did to policy-rc.d

bo_log() { printf '[servers] %s\n' "$*"; }
bo_err() { printf '[servers] ERROR: %s\n' "$*" >&2; }
bo_now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
bo_secs_since() { # START_MS -> "12.3"
  local ms=$(($(bo_now_ms) - $1))
  printf '%d.%d' $((ms / 1000)) $(((ms % 1000) / 100))
}
bo_random_hex() { od -An -N"${1:-16}" -tx1 /dev/urandom | tr -d ' \n'; }

# Prints a clear failure naming the server, the tail of its log, and exits (cleanup runs in
# the caller's EXIT trap).
bo_fail_server() { # NAME LOGFILE MESSAGE
  local name=$1 log=$2 msg=$3
  bo_err "$name failed to start: $msg"
  if [[ -n $log && -s $log ]]; then
    printf '[servers] ---- last lines of %s ----\n' "$log" >&2
    tail -n 40 "$log" >&2
    printf '[servers] ----\n' >&2
  fi
  exit 1
}

bo_as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

# Runs a command as the postgres user when we are root (initdb/pg_ctl refuse root).
bo_as_postgres() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

bo_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# bo_pick_port ENV_NAME DEFAULT LABEL -> REPLY
bo_pick_port() {
  local var=$1 default=$2 label=$3 p
  if [[ -n ${!var:-} ]]; then
    p=${!var}
    if bo_port_in_use "$p" || [[ " ${BO_CLAIMED_PORTS[*]} " == *" $p "* ]]; then
      bo_fail_server "$label" "" "port $p (from $var) is already in use on 127.0.0.1"
    fi
  else
    for ((p = default; p < default + 200; p++)); do
      [[ " ${BO_CLAIMED_PORTS[*]} " == *" $p "* ]] && continue
      bo_port_in_use "$p" || break
    done
    ((p < default + 200)) || bo_fail_server "$label" "" "no free port in $default..$((default + 199))"
  fi
  BO_CLAIMED_PORTS+=("$p")
  REPLY=$p
}

# bo_wait_for LABEL TIMEOUT_S LOGFILE PID CMD... : polls CMD every 0.1 s until it succeeds;
# fails early if PID (when not empty) has died, or at the deadline.
bo_wait_for() {
  local label=$1 timeout=$2 log=$3 pid=$4
  shift 4
  local deadline=$(($(bo_now_ms) + timeout * 1000))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $pid ]] && ! bo_pid_alive "$pid"; then
      bo_fail_server "$label" "$log" "process $pid exited"
    fi
    if (($(bo_now_ms) > deadline)); then
      bo_fail_server "$label" "$log" "not ready after ${timeout}s"
    fi
    sleep 0.1
  done
}

# A daemon's exited process stays a zombie until PID 1 reaps it (lazily on some machines):
# that counts as gone.
bo_pid_alive() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# bo_wait_pid_gone PID TIMEOUT_S : waits for PID to exit, SIGKILLs it at the deadline.
bo_wait_pid_gone() {
  local pid=$1 deadline=$(($(bo_now_ms) + $2 * 1000))
  while bo_pid_alive "$pid"; do
    if (($(bo_now_ms) > deadline)); then
      bo_err "pid $pid still alive after $2 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      return 0
    fi
    sleep 0.05
  done
}

# Picks every port before anything starts, so a busy explicit port fails before any process
# exists. Idempotent; the start functions call it too.
bo_pick_all_ports() {
  [[ -z ${BO_PORTS_PICKED:-} ]] || return 0
  bo_pick_port BEATORLEANS_REDIS_PORT 16379 redis
  BO_REDIS_PORT=$REPLY
  bo_pick_port BEATORLEANS_POSTGRES_PORT 15432 postgres
  BO_PG_PORT=$REPLY
  bo_pick_port BEATORLEANS_RABBITMQ_PORT 15672 rabbitmq
  BO_RABBITMQ_PORT=$REPLY
  # Not 35672-35682: rabbitmqctl's own distribution ports. A node whose port a CLI took dies
  # at boot (dist_port_already_used).
  bo_pick_port BEATORLEANS_RABBITMQ_DIST_PORT 26672 "rabbitmq (distribution port)"
  BO_RABBITMQ_DIST_PORT=$REPLY
  # A private epmd on its own port: we know it is ours, so we may kill it at the end.
  bo_pick_port BEATORLEANS_EPMD_PORT 14369 "rabbitmq (epmd port)"
  BO_EPMD_PORT=$REPLY
  bo_pick_port BEATORLEANS_S3_PORT 14569 s3rver
  BO_S3_PORT=$REPLY
  BO_PORTS_PICKED=1
}

bo_pidfile_pid() { [[ -s $1 ]] && tr -dc '0-9' <"$1"; }

bo_make_run_dir() {
  if [[ -z $BO_RUN_DIR ]]; then
    BO_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/beatorleans-run.XXXXXX")
  fi
  chmod 700 "$BO_RUN_DIR"
}

# ---------------------------------------------------------------------------------------
# Install (idempotent, quiet)
# ---------------------------------------------------------------------------------------

# Keeps package postinst scripts from starting system services (no systemd here: invoke-rc.d
# would start redis/rabbitmq/postgres on their default ports). policy-rc.d exit 101 = deny.
bo_policy_deny_on() {
  if [[ -x $BO_POLICY_RC ]]; then
    local rc=0
    "$BO_POLICY_RC" redis-server start >/dev/null 2>&1 || rc=$?
    ((rc == 101)) && return 0
    bo_as_root mv "$BO_POLICY_RC" "$BO_POLICY_RC.beatorleans-saved"
    BO_POLICY_STATE=replaced
  else
    BO_POLICY_STATE=created
  fi
  printf '#!/bin/sh\n# temporary, from BeatOrleans scripts/lib/servers.sh\nexit 101\n' |
    bo_as_root tee "$BO_POLICY_RC" >/dev/null
  bo_as_root chmod 755 "$BO_POLICY_RC"
}

bo_policy_deny_off() {
  case $BO_POLICY_STATE in
    created) bo_as_root rm -f "$BO_POLICY_RC" ;;
    replaced) bo_as_root mv -f "$BO_POLICY_RC.beatorleans-saved" "$BO_POLICY_RC" ;;
  esac
  BO_POLICY_STATE=""
}

bo_install_deps() {
  local log=${BO_RUN_DIR:?}/install.log pkg missing=() before=() p
  for pkg in "${BO_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -qx 'install ok installed' ||
      missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    bo_log "installing Debian packages: ${missing[*]} (log: $log)"
    for p in 6379 5672 5432 4369 25672; do bo_port_in_use "$p" || before+=("$p"); done
    bo_policy_deny_on
    if ! bo_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$log" 2>&1 ||
      ! bo_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "${missing[@]}" >>"$log" 2>&1; then
      bo_policy_deny_off
      bo_fail_server "apt-get install (${missing[*]})" "$log" "package installation failed"
    fi
    bo_policy_deny_off
    for p in "${before[@]}"; do
      bo_port_in_use "$p" && bo_err "after install something listens on default port $p (a system service was started?)"
    done
  fi
  for p in ffmpeg ffprobe redis-server redis-cli prometheus promtool chromium; do
    command -v "$p" >/dev/null || bo_fail_server "install" "$log" "$p not found after install"
  done
  [[ -x $BO_RABBITMQ_BIN/rabbitmq-server ]] || bo_fail_server "install" "$log" "$BO_RABBITMQ_BIN/rabbitmq-server missing"
  [[ -n $(bo_pg_bin) ]] || bo_fail_server "install" "$log" "no /usr/lib/postgresql/*/bin/initdb"

  bo_install_s3rver "$log"
}

# npm @20minutes/s3rver into the tools folder (git-ignored), unless that version is there already.
bo_install_s3rver() { # LOGFILE
  local log=$1
  command -v node >/dev/null || bo_fail_server "install" "" "node not found (needs Node.js >= 20 and npm)"
  local pj=$BO_TOOLS_DIR/node_modules/$BO_S3RVER_PACKAGE/package.json
  if ! grep -q "\"version\": \"$BO_S3RVER_VERSION\"" "$pj" 2>/dev/null; then
    bo_log "installing npm $BO_S3RVER_PACKAGE@$BO_S3RVER_VERSION into ${BO_TOOLS_DIR#"$BO_REPO_ROOT"/}"
    mkdir -p "$BO_TOOLS_DIR"
    [[ -f $BO_TOOLS_DIR/package.json ]] || printf '{ "private": true }\n' >"$BO_TOOLS_DIR/package.json"
    (cd "$BO_TOOLS_DIR" && npm install --no-audit --no-fund --no-update-notifier --loglevel=error \
      "$BO_S3RVER_PACKAGE@$BO_S3RVER_VERSION") >>"$log" 2>&1 ||
      bo_fail_server "npm install $BO_S3RVER_PACKAGE" "$log" "npm install failed"
  fi
}

# ---------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------
bo_redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$BO_REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

bo_start_redis() {
  local dir=$BO_RUN_DIR/redis
  mkdir -p "$dir" && chmod 700 "$dir"
  bo_pick_all_ports
  BO_REDIS_PIDFILE=$dir/redis.pid
  BO_STARTED+=(redis)
  redis-server --port "$BO_REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --appendonly yes \
    --save '' --daemonize yes --pidfile "$BO_REDIS_PIDFILE" --logfile "$dir/redis.log" \
    >>"$dir/start.log" 2>&1 || bo_fail_server redis "$dir/start.log" "redis-server exited $?"
  bo_wait_for redis 30 "$dir/redis.log" "" bo_redis_ping
  export BEATORLEANS_TEST_REDIS=127.0.0.1:$BO_REDIS_PORT
  bo_log "redis ready on 127.0.0.1:$BO_REDIS_PORT"
}

bo_stop_redis() {
  local pid
  pid=$(bo_pidfile_pid "$BO_REDIS_PIDFILE") || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  bo_wait_pid_gone "$pid" 15
}

# ---------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------
bo_pg_bin() { # newest /usr/lib/postgresql/N/bin that has initdb
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [[ -x $d/initdb ]] && printf '%s\n' "$d"
}

bo_start_postgres() {
  local dir=$BO_RUN_DIR/postgres bin
  bin=$(bo_pg_bin) || bo_fail_server postgres "" "no /usr/lib/postgresql/*/bin/initdb"
  BO_PG_BIN=$bin
  BO_PG_DATA=$dir/data
  mkdir -p "$dir/sock"
  if ((EUID == 0)); then
    # PostgreSQL runs as postgres (the user exists once the package is installed): let it
    # traverse (not list) the run folder, and own its own folder.
    chgrp postgres "$BO_RUN_DIR" && chmod 710 "$BO_RUN_DIR"
    chown -R postgres:postgres "$dir"
  fi
  chmod 700 "$dir"
  bo_pick_all_ports
  local log=$dir/postgres.log # written by the server itself (as postgres): create nothing here
  if [[ -s $BO_PG_DATA/PG_VERSION ]]; then
    # A data folder from an earlier start (scripts/cluster.sh up after down): its role, password and settings stand.
    [[ -n ${BO_PG_PASSWORD:-} ]] || bo_fail_server postgres "" "existing data in $BO_PG_DATA but no BO_PG_PASSWORD to reach it"
    sed -i "s/^port = [0-9]*$/port = $BO_PG_PORT/" "$BO_PG_DATA/postgresql.conf"
    bo_pg_start "$dir" "$bin" "$log"
  else
    BO_PG_PASSWORD=${BO_PG_PASSWORD:-$(bo_random_hex 12)}
    (cd "$dir" && bo_as_postgres "$bin/initdb" -D "$BO_PG_DATA" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions) >>"$dir/initdb.log" 2>&1 ||
      bo_fail_server postgres "$dir/initdb.log" "initdb failed"
    # Test-only durability settings: much faster, data is thrown away anyway.
    cat >>"$BO_PG_DATA/postgresql.conf" <<EOF
# --- BeatOrleans test server ---
port = $BO_PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    bo_pg_start "$dir" "$bin" "$log"
    # The SQL on stdin, not -c: a password on the command line is readable by every local user (ps, /proc).
    printf '%s\n' "CREATE ROLE beatorleans LOGIN CREATEDB PASSWORD '$BO_PG_PASSWORD';" \
      "CREATE DATABASE beatorleans_test OWNER beatorleans;" |
      (cd "$dir" && bo_as_postgres "$bin/psql" -h "$dir/sock" -p "$BO_PG_PORT" -U postgres -d postgres \
        -X -q -v ON_ERROR_STOP=1 -f -) >>"$dir/psql.log" 2>&1 ||
      bo_fail_server postgres "$dir/psql.log" "creating role/database failed"
  fi
  export BEATORLEANS_TEST_POSTGRES="Host=127.0.0.1;Port=$BO_PG_PORT;Username=beatorleans;Password=$BO_PG_PASSWORD;Database=beatorleans_test"
  bo_log "postgres ready on 127.0.0.1:$BO_PG_PORT"
}

bo_pg_start() { # DIR BIN LOG
  BO_STARTED+=(postgres)
  (cd "$1" && bo_as_postgres "$2/pg_ctl" -D "$BO_PG_DATA" -l "$3" -w -t 60 start) \
    >>"$1/pg_ctl.log" 2>&1 || {
    cat "$3" >>"$1/pg_ctl.log" 2>/dev/null
    bo_fail_server postgres "$1/pg_ctl.log" "pg_ctl start failed"
  }
  bo_wait_for postgres 30 "$3" "" bo_port_in_use "$BO_PG_PORT"
}

bo_stop_postgres() {
  [[ -f $BO_PG_DATA/postmaster.pid ]] || return 0
  (cd "$BO_RUN_DIR/postgres" && bo_as_postgres "$BO_PG_BIN/pg_ctl" -D "$BO_PG_DATA" -m fast -w -t 30 stop) \
    >>"$BO_RUN_DIR/postgres/pg_ctl.log" 2>&1 || bo_err "pg_ctl stop failed (see $BO_RUN_DIR/postgres/pg_ctl.log)"
}

# ---------------------------------------------------------------------------------------
# RabbitMQ (started directly, without the /usr/sbin wrappers that switch user and use /var)
# ---------------------------------------------------------------------------------------
bo_rabbit() { # runs a command with this run's private RabbitMQ environment
  local dir=$BO_RUN_DIR/rabbitmq
  env HOME="$dir/home" \
    ERL_EPMD_PORT="$BO_EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
    ERL_CRASH_DUMP="$dir/erl_crash.dump" \
    RABBITMQ_NODENAME="$BO_RABBITMQ_NODE" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$BO_RABBITMQ_PORT" \
    RABBITMQ_DIST_PORT="$BO_RABBITMQ_DIST_PORT" \
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$BO_RABBITMQ_PIDFILE" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    "$@"
}

# Starts the node detached and returns at once; bo_wait_rabbitmq waits for it (6-15 s), so
# the other servers can start meanwhile.
bo_start_rabbitmq() {
  local dir=$BO_RUN_DIR/rabbitmq
  mkdir -p "$dir/home" "$dir/mnesia" "$dir/log" && chmod 700 "$dir" "$dir/home"
  bo_pick_all_ports
  BO_RABBITMQ_NODE=beatorleans$BO_RABBITMQ_PORT@localhost
  BO_RABBITMQ_PIDFILE=$dir/rabbitmq.pid
  BO_RABBITMQ_PID=""
  BO_EPMD_STARTED=""
  BO_RABBITMQ_USER=beatorleans
  # Given (scripts/cluster.sh up after down): the node's stored user keeps the password it was first booted with.
  BO_RABBITMQ_PASSWORD=${BO_RABBITMQ_PASSWORD:-$(bo_random_hex 12)}
  # Private cookie, written before the node and the CLI start (neither then races to create it).
  if [[ ! -s $dir/home/.erlang.cookie ]]; then
    (umask 077 && bo_random_hex 20 >"$dir/home/.erlang.cookie")
    chmod 400 "$dir/home/.erlang.cookie"
  fi
  : >"$dir/rabbitmq-env.conf"
  printf '[].\n' >"$dir/enabled_plugins"
  printf '[].\n' >"$dir/advanced.config"
  (umask 077 && : >"$dir/rabbitmq.conf") # the default user's password: readable by its owner only, from the start
  cat >"$dir/rabbitmq.conf" <<EOF
default_vhost = /
default_user = $BO_RABBITMQ_USER
default_pass = $BO_RABBITMQ_PASSWORD
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
EOF
  chmod 600 "$dir/rabbitmq.conf"
  BO_STARTED+=(rabbitmq)
  # Our own epmd, on its private port, started explicitly: so we know it is ours to kill.
  BO_EPMD_STARTED=1
  bo_rabbit epmd -daemon >>"$dir/start.log" 2>&1 || bo_fail_server "rabbitmq (epmd)" "$dir/start.log" "epmd -daemon failed"
  bo_wait_for "rabbitmq (epmd)" 10 "$dir/start.log" "" bo_port_in_use "$BO_EPMD_PORT"
  bo_rabbit "$BO_RABBITMQ_BIN/rabbitmq-server" -detached >>"$dir/start.log" 2>&1 ||
    bo_fail_server rabbitmq "$dir/start.log" "rabbitmq-server -detached failed"
}

bo_wait_rabbitmq() {
  local dir=$BO_RUN_DIR/rabbitmq log
  log=$dir/log/$BO_RABBITMQ_NODE.log
  bo_rabbit "$BO_RABBITMQ_BIN/rabbitmqctl" wait --timeout 90 "$BO_RABBITMQ_PIDFILE" \
    >>"$dir/start.log" 2>&1 || {
    cat "$dir/start.log" >>"$log" 2>/dev/null
    bo_fail_server rabbitmq "$log" "rabbitmqctl wait failed"
  }
  BO_RABBITMQ_PID=$(bo_pidfile_pid "$BO_RABBITMQ_PIDFILE")
  bo_wait_for rabbitmq 30 "$log" "$BO_RABBITMQ_PID" bo_port_in_use "$BO_RABBITMQ_PORT"
  export BEATORLEANS_TEST_RABBITMQ="amqp://$BO_RABBITMQ_USER:$BO_RABBITMQ_PASSWORD@127.0.0.1:$BO_RABBITMQ_PORT/"
  # What scripts/lib/rabbitmq-ctl.sh needs to stop and start this very node again (tests of broker outages).
  local v
  for v in BO_RABBITMQ_NODE BO_RABBITMQ_PORT BO_RABBITMQ_DIST_PORT BO_EPMD_PORT BO_RABBITMQ_PIDFILE \
    BO_RABBITMQ_USER BO_RABBITMQ_PASSWORD; do
    printf '%s=%q\n' "$v" "${!v}"
  done >"$dir/ctl.env"
  chmod 600 "$dir/ctl.env"
  bo_log "rabbitmq ready on 127.0.0.1:$BO_RABBITMQ_PORT"
}

bo_stop_rabbitmq() {
  local dir=$BO_RUN_DIR/rabbitmq pid deadline
  # The pid file first: rabbitmq-ctl.sh may have restarted the node under a new pid.
  pid=$(bo_pidfile_pid "$BO_RABBITMQ_PIDFILE") || pid=${BO_RABBITMQ_PID:-}
  # Stopped while still booting: its pid file appears ~2 s into the boot; wait for it.
  deadline=$(($(bo_now_ms) + 20000))
  until [[ -n $pid ]] || pid=$(bo_pidfile_pid "$BO_RABBITMQ_PIDFILE"); do
    (($(bo_now_ms) < deadline)) || { bo_err "rabbitmq wrote no pid file"; break; }
    sleep 0.1
  done
  if [[ -n $pid ]] && bo_pid_alive "$pid"; then
    # --no-wait + our own (zombie-aware) wait: ~2 s here, against ~4 s for a waiting shutdown.
    bo_rabbit "$BO_RABBITMQ_BIN/rabbitmqctl" shutdown --no-wait >>"$dir/stop.log" 2>&1 ||
      { bo_err "rabbitmqctl shutdown failed, sending SIGTERM to $pid"; kill -TERM "$pid" 2>/dev/null; }
    bo_wait_pid_gone "$pid" 30
  fi
  # Our private epmd (started by bo_start_rabbitmq on a port that was free).
  if [[ -n $BO_EPMD_STARTED ]] && bo_port_in_use "$BO_EPMD_PORT"; then
    ERL_EPMD_PORT=$BO_EPMD_PORT epmd -kill >>"$dir/stop.log" 2>&1 || bo_err "epmd -kill failed"
  fi
}

# ---------------------------------------------------------------------------------------
# S3 (s3rver)
# ---------------------------------------------------------------------------------------
bo_start_s3() {
  local dir=$BO_RUN_DIR/s3
  mkdir -p "$dir/data" && chmod 700 "$dir"
  bo_pick_all_ports
  BO_S3_PIDFILE=$dir/s3rver.pid
  BO_STARTED+=(s3)
  # setsid: own session, so a terminal Ctrl-C reaches only us and we stop it ourselves.
  setsid node "$BO_REPO_ROOT/scripts/s3rver.mjs" --tools "$BO_TOOLS_DIR" --port "$BO_S3_PORT" \
    --directory "$dir/data" --bucket "$BO_S3_BUCKET" --pidfile "$BO_S3_PIDFILE" \
    </dev/null >>"$dir/s3rver.log" 2>&1 &
  BO_S3_PID=$!
  bo_wait_for s3rver 30 "$dir/s3rver.log" "$BO_S3_PID" test -s "$BO_S3_PIDFILE"
  bo_wait_for s3rver 30 "$dir/s3rver.log" "$BO_S3_PID" bo_port_in_use "$BO_S3_PORT"
  export BEATORLEANS_TEST_S3=http://127.0.0.1:$BO_S3_PORT
  export BEATORLEANS_TEST_S3_BUCKET=$BO_S3_BUCKET
  export BEATORLEANS_TEST_S3_ACCESS_KEY=S3RVER
  export BEATORLEANS_TEST_S3_SECRET_KEY=S3RVER
  bo_log "s3rver ready on 127.0.0.1:$BO_S3_PORT (bucket $BO_S3_BUCKET)"
}

bo_stop_s3() {
  local pid
  pid=$(bo_pidfile_pid "$BO_S3_PIDFILE") || pid=${BO_S3_PID:-}
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  bo_wait_pid_gone "$pid" 10
}

# ---------------------------------------------------------------------------------------
# All together
# ---------------------------------------------------------------------------------------
bo_start_all() {
  local t0
  t0=$(bo_now_ms)
  bo_pick_all_ports
  bo_start_rabbitmq # slowest: boots in the background while the others start
  bo_start_redis
  bo_start_postgres
  bo_start_s3
  bo_wait_rabbitmq
  export BEATORLEANS_TEST_FFMPEG
  BEATORLEANS_TEST_FFMPEG=$(dirname "$(command -v ffmpeg)")
  export BEATORLEANS_TEST_RUN_DIR=$BO_RUN_DIR
  bo_write_env
  BO_START_SECONDS=$(bo_secs_since "$t0")
  bo_log "all servers ready in ${BO_START_SECONDS} s"
}

bo_write_env() {
  local f=$BO_RUN_DIR/env.sh v
  : >"$f" && chmod 600 "$f"
  for v in BEATORLEANS_TEST_REDIS BEATORLEANS_TEST_POSTGRES BEATORLEANS_TEST_RABBITMQ \
    BEATORLEANS_TEST_S3 BEATORLEANS_TEST_S3_BUCKET BEATORLEANS_TEST_S3_ACCESS_KEY \
    BEATORLEANS_TEST_S3_SECRET_KEY BEATORLEANS_TEST_FFMPEG BEATORLEANS_TEST_RUN_DIR; do
    printf 'export %s=%q\n' "$v" "${!v}" >>"$f"
  done
}

# Stops whatever was started, newest first. Safe to call more than once.
bo_stop_all() {
  local t0 t1 i name times=()
  ((${#BO_STARTED[@]})) || return 0
  t0=$(bo_now_ms)
  for ((i = ${#BO_STARTED[@]} - 1; i >= 0; i--)); do
    name=${BO_STARTED[i]}
    t1=$(bo_now_ms)
    "bo_stop_$name" || bo_err "stopping $name failed"
    times+=("$name $(bo_secs_since "$t1") s")
  done
  BO_STARTED=()
  BO_STOP_SECONDS=$(bo_secs_since "$t0")
  local joined
  joined=$(printf "%s, " "${times[@]}")
  bo_log "all servers stopped in ${BO_STOP_SECONDS} s (${joined%, })"
}

# For an EXIT trap: stop servers, undo policy-rc.d, remove the run folder unless KEEP_RUN_DIR=1.
bo_cleanup() {
  set +e
  [[ -n $BO_POLICY_STATE ]] && bo_policy_deny_off
  bo_stop_all
  if [[ -n $BO_RUN_DIR && -d $BO_RUN_DIR ]]; then
    if [[ ${KEEP_RUN_DIR:-0} == 1 ]]; then
      bo_log "kept run folder $BO_RUN_DIR"
    else
      rm -rf "$BO_RUN_DIR"
    fi
  fi
  BO_RUN_DIR=""
}
