#!/usr/bin/env bash
# The Kubernetes manifests (deploy/kubernetes/local: the base with its servers) played on this machine with
# `podman kube play`, from the images scripts/containers.sh builds. One pod per Deployment, one replica each; the API
# at http://127.0.0.1:28180, S3 at 127.0.0.1:28190 (hostPorts of the local overlay).
#
#   scripts/kube.sh up               build the images if needed, render the overlay, start servers, silos, then the API
#   scripts/kube.sh status           one line per pod: DEPLOYMENT STATE; then `api URL`
#   scripts/kube.sh url              the API base URL
#   scripts/kube.sh logs DEPLOYMENT  a pod's output
#   scripts/kube.sh stop|kill|start DEPLOYMENT   SIGTERM (graceful) / SIGKILL (a crash) / start again and wait until ready
#   scripts/kube.sh down [--purge]   stop every pod gracefully (API, silos, servers) and remove them
#   scripts/kube.sh render           print the manifests as played (after scripts/lib/kube-for-podman.py)
#
# Rendering uses `kubectl kustomize` (Debian's kubernetes-client when kubectl is missing). What podman 4.3 cannot play
# as written (Secrets read as env, the downward API's pod IP, Services) is bridged by scripts/lib/kube-for-podman.py;
# see there. The servers' pods keep no data: `down` loses it.
#
# Settings (environment): KUBE_DIR (rendered files and local secrets, default .containers/kube), CONTAINERS_* as for
# scripts/containers.sh (which builds the images).
set -euo pipefail

BO_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/servers.sh
source "$BO_REPO_ROOT/scripts/lib/servers.sh"
export CONTAINERS_CONF=${CONTAINERS_CONF:-$BO_REPO_ROOT/deploy/containers/containers.conf}

dir=${KUBE_DIR:-$BO_REPO_ROOT/.containers/kube}
network=beatorleans-kube
servers=(redis postgres rabbitmq s3)
silos=(silo-users silo-catalog silo-purchasing silo-chat silo-notifications)
apis=(api)
api_url=http://127.0.0.1:28180

log() { printf '[kube] %s\n' "$*" >&2; }
die() { printf '[kube] ERROR: %s\n' "$*" >&2; exit 1; }
mkdir -p "$dir" && chmod 700 "$dir"

kubectl_bin() {
  command -v kubectl >/dev/null && return 0
  log "installing Debian's kubernetes-client (kubectl, for kustomize)"
  bo_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubernetes-client >>"$dir/install.log" 2>&1 ||
    die "apt-get install kubernetes-client failed (see $dir/install.log)"
}

secret() { # FILE COMMAND...: made once, kept in $dir
  local file=$dir/$1
  shift
  [[ -s $file ]] || { (umask 077 && "$@" >"$file"); }
  cat "$file"
}

# The Secrets the overlay expects, with values made on this machine (never in the repository).
secrets_yaml() {
  local pg rabbit
  pg=$(secret postgres.password sh -c 'head -c 12 /dev/urandom | od -An -tx1 | tr -d " \n"')
  rabbit=$(secret rabbitmq.password sh -c 'head -c 12 /dev/urandom | od -An -tx1 | tr -d " \n"')
  cat <<YAML
---
apiVersion: v1
kind: Secret
metadata: { name: beatorleans-servers }
stringData:
  POSTGRES_PASSWORD: "$pg"
  RABBITMQ_DEFAULT_PASS: "$rabbit"
---
apiVersion: v1
kind: Secret
metadata: { name: beatorleans-secrets }
stringData:
  ConnectionStrings__Postgres: "Host=postgres;Port=5432;Username=beatorleans;Password=$pg;Database=beatorleans"
  ConnectionStrings__RabbitMq: "amqp://beatorleans:$rabbit@rabbitmq:5672/"
  Auth__Jwt__SigningKey: "$(secret jwt-signing.key sh -c 'head -c 48 /dev/urandom | base64 -w0')"
  Operators__Password: "$(secret operator sh -c 'head -c 18 /dev/urandom | base64 -w0')"
  Blobs__S3__AccessKey: S3RVER
  Blobs__S3__SecretKey: S3RVER
YAML
}

cmd_render() {
  kubectl_bin
  { kubectl kustomize "$BO_REPO_ROOT/deploy/kubernetes/local" 2>>"$dir/render.log"; secrets_yaml; } >"$dir/rendered.yaml"
  rm -rf "$dir/play"
  KUBE_HOST_ALIASES=$(server_aliases) python3 "$BO_REPO_ROOT/scripts/lib/kube-for-podman.py" "$dir/rendered.yaml" "$dir/play" >/dev/null
}

# The servers' fixed addresses on the network, the last ones of its subnet ("redis=10.89.0.251,..."; empty while the
# network does not exist): every pod finds them in /etc/hosts, not through podman's DNS (see kube-for-podman.py).
server_aliases() {
  local subnet
  subnet=$(podman network inspect --format '{{range .Subnets}}{{.Subnet}} {{end}}' "$network" 2>/dev/null | awk '{print $1}')
  [[ -n $subnet ]] || return 0
  python3 - "$subnet" "${servers[@]}" <<'PY'
import ipaddress, sys
hosts = list(ipaddress.ip_network(sys.argv[1]).hosts())
names = sys.argv[2:]
print(",".join(f"{name}={hosts[len(hosts) - len(names) + i]}" for i, name in enumerate(names)))
PY
}

server_address() { # DEPLOYMENT -> its fixed address, if it is a server
  tr ',' '\n' <<<"$(server_aliases)" | awk -F= -v name="$1" '$1 == name {print $2}'
}

pod() { echo "$1-pod-0"; }

state() { podman pod inspect --format '{{.State}}' "$(pod "$1")" 2>/dev/null || echo absent; }

# Readiness as the manifests define it: servers by their own check, BeatOrleans processes by /health/ready.
ready() { # DEPLOYMENT
  local c
  c=$(pod "$1")-$(yq_container "$1")
  case $1 in
    redis) podman exec "$c" redis-cli ping 2>/dev/null | grep -q PONG ;;
    postgres) podman exec "$c" pg_isready -U beatorleans -d beatorleans >/dev/null 2>&1 ;;
    rabbitmq) podman exec "$c" rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 ;;
    s3) podman exec "$c" node -e "fetch('http://127.0.0.1:9000/').then(r => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))" 2>/dev/null ;;
    *) podman exec "$c" curl -fsS -o /dev/null -H 'Host: localhost' http://127.0.0.1:8080/health/ready 2>/dev/null ;;
  esac
}

yq_container() { # DEPLOYMENT -> its (single) container's name
  python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]["name"])' "$dir/play/$1.yaml"
}

wait_ready() { # DEPLOYMENT...
  local name deadline
  deadline=$(($(bo_now_ms) + 180000))
  for name in "$@"; do
    until ready "$name"; do
      [[ $(state "$name") == Running ]] || { podman pod logs --tail 30 "$(pod "$name")" >&2 || true; die "$name is $(state "$name")"; }
      (($(bo_now_ms) < deadline)) || { podman pod logs --tail 30 "$(pod "$name")" >&2 || true; die "$name not ready after 180 s"; }
      sleep 1
    done
  done
}

play() { # DEPLOYMENT...
  local name file configmaps=()
  for file in "$dir/play"/configmap-*.yaml; do configmaps+=(--configmap "$file"); done
  for name in "$@"; do
    local address
    address=$(server_address "$name")
    podman kube play --network "$network:alias=$name" ${address:+--ip "$address"} "${configmaps[@]}" "$dir/play/$name.yaml" \
      >>"$dir/play.log" 2>"$dir/play.err" || { cat "$dir/play.err" >&2; die "podman kube play $name failed"; }
    grep -v 'unable to get systemd connection\|failed to connect to syslog' "$dir/play.err" >&2 || true
  done
}

cmd_up() {
  local t0 t1
  [[ ${KUBE_NO_BUILD:-0} == 1 ]] || "$BO_REPO_ROOT/scripts/containers.sh" build
  [[ -x /usr/bin/catatonit || -x /usr/libexec/podman/catatonit ]] ||
    bo_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends catatonit >>"$dir/install.log" 2>&1
  cmd_down >/dev/null 2>&1 || true
  t0=$(bo_now_ms)
  podman network exists "$network" || podman network create "$network" >/dev/null
  cmd_render
  t1=$(bo_now_ms)
  play "${servers[@]}"
  wait_ready "${servers[@]}"
  log "servers ready in $(bo_secs_since "$t1") s"
  t1=$(bo_now_ms)
  play "${silos[@]}"
  wait_ready "${silos[@]}"
  log "silos ready in $(bo_secs_since "$t1") s"
  play "${apis[@]}"
  wait_ready "${apis[@]}"
  bo_wait_for api 60 "" "" curl -fsS -o /dev/null "$api_url/health/ready"
  log "up in $(bo_secs_since "$t0") s"
  cmd_status
}

cmd_status() {
  local name
  for name in "${servers[@]}" "${silos[@]}" "${apis[@]}"; do
    echo "$name $(state "$name")"
  done
  echo "api $api_url"
}

# SIGTERM to the pod's own containers, then the pod: `podman pod stop` (4.3) did not deliver SIGTERM to a silo, which was
# SIGKILLed after the timeout instead of leaving the cluster (measured: container 1.2 s, pod 40 s).
stop_pod() { # DEPLOYMENT
  local container
  for container in $(podman pod inspect --format '{{range .Containers}}{{.Name}} {{end}}' "$(pod "$1")" 2>/dev/null); do
    [[ $container == *-infra ]] || podman stop -t 40 "$container" >/dev/null 2>&1 || true
  done
  podman pod stop -t 5 "$(pod "$1")" >/dev/null 2>&1 || true
}

cmd_down() {
  local t0 name
  t0=$(bo_now_ms)
  for name in "${apis[@]}" "${silos[@]}" "${servers[@]}"; do
    [[ $(state "$name") == absent ]] && continue
    stop_pod "$name"
    podman pod rm -f "$(pod "$name")" >/dev/null 2>&1 || true
  done
  podman network rm "$network" >/dev/null 2>&1 || true
  [[ -z $(podman pod ps -q --filter "name=-pod-0" --filter "network=$network" 2>/dev/null) ]] || die "pods left after down"
  log "down in $(bo_secs_since "$t0") s"
}

case ${1:-} in
  up) cmd_up ;;
  render) cmd_render && cat "$dir/play/"*.yaml ;;
  status) cmd_status ;;
  url) echo "$api_url" ;;
  logs) podman pod logs "$(pod "${2:?usage: kube.sh logs DEPLOYMENT}")" ;;
  stop) stop_pod "${2:?usage: kube.sh stop DEPLOYMENT}" ;;
  kill) podman pod kill "$(pod "${2:?usage: kube.sh kill DEPLOYMENT}")" >/dev/null && podman pod stop -t 0 "$(pod "$2")" >/dev/null 2>&1 ;;
  start)
    podman pod start "$(pod "${2:?usage: kube.sh start DEPLOYMENT}")" >/dev/null 2>&1
    wait_ready "$2"
    ;;
  down) cmd_down ;; # --purge: the same (the servers' pods keep no data)
  *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
