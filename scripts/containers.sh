#!/usr/bin/env bash
# The cluster profile in containers on this machine, with podman and no registry: docker-compose.yml with
# deploy/containers/compose.local.yml. Redis, PostgreSQL, RabbitMQ, S3 (s3rver), one container per domain silo, two
# API nodes behind HAProxy on one published port.
#
#   scripts/containers.sh up               build what is needed, start everything in order, wait until each is healthy
#   scripts/containers.sh status           one line per container: SERVICE STATE HEALTH; then `api URL`
#   scripts/containers.sh url              the API base URL (http://127.0.0.1:28080)
#   scripts/containers.sh logs [SERVICE]   a container's output (all of them without SERVICE)
#   scripts/containers.sh stop SERVICE     SIGTERM: the graceful stop (readiness 503, drain, the silo's leave)
#   scripts/containers.sh kill SERVICE     SIGKILL, as a crash; it stays down (no restart) until `start`
#   scripts/containers.sh start SERVICE    start it again and wait until it is healthy
#   scripts/containers.sh down [--purge]   stop (gracefully, API nodes first, servers last) and remove every container;
#                                          the volumes (data) stay for the next `up` unless --purge
#   scripts/containers.sh build            only build the images
#
# Images: a Debian bookworm base made with debootstrap from this machine's apt mirror and `podman import`; on it the
# servers from Debian packages, a .NET runtime image from this machine's SDK (in place of Microsoft's aspnet image),
# and the BeatOrleans image from the Dockerfile with binaries published here (APP_SOURCE=prebuilt). Base, runtime and
# server images are kept between runs and built only when missing (CONTAINERS_REBUILD=1 rebuilds them); the
# BeatOrleans image is rebuilt on every `up` and `build` (podman's layer cache keeps the apt layer).
#
# Settings (environment):
#   CONTAINERS_HTTP_PORT   published API port on 127.0.0.1 (default 28080)
#   CONTAINERS_S3_PORT     published S3 port on 127.0.0.1 (default 28090): presigned URLs point at it
#   CONTAINERS_PROJECT     compose project: container, network and volume names (default beatorleans)
#   CONTAINERS_DIR         secrets and build contexts (default .containers/ in the repository)
#   CONTAINERS_REBUILD=1   rebuild the base, runtime and server images too
set -euo pipefail

BO_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/servers.sh
source "$BO_REPO_ROOT/scripts/lib/servers.sh"

http_port=${CONTAINERS_HTTP_PORT:-28080}
s3_port=${CONTAINERS_S3_PORT:-28090}
project=${CONTAINERS_PROJECT:-beatorleans}
dir=${CONTAINERS_DIR:-$BO_REPO_ROOT/.containers}
base_image=localhost/beatorleans/debian:bookworm
server_images=(redis postgres rabbitmq s3 proxy)
servers=(redis postgres rabbitmq s3)
silos=(silo-users silo-catalog silo-purchasing silo-chat silo-notifications)
apis=(api-1 api-2)
# Podman here: runc, no default rlimits (see the file). A caller's own CONTAINERS_CONF is left alone.
export CONTAINERS_CONF=${CONTAINERS_CONF:-$BO_REPO_ROOT/deploy/containers/containers.conf}

log() { printf '[containers] %s\n' "$*" >&2; }
die() { printf '[containers] ERROR: %s\n' "$*" >&2; exit 1; }
# Private: it holds the JWT signing key, the operator password and compose's log (which shows the settings).
mkdir -p "$dir" && chmod 700 "$dir"

install_tools() {
  local missing=() pkg
  for pkg in podman podman-compose runc debootstrap; do
    command -v "$pkg" >/dev/null || missing+=("$pkg")
  done
  # Podman only recommends its network stack, which --no-install-recommends skips: without netavark it falls back to
  # CNI with no DNS, and no container finds another by name (containers.conf asks for netavark).
  for pkg in netavark aardvark-dns; do
    [[ -x /usr/lib/podman/$pkg ]] || missing+=("$pkg")
  done
  # Netavark sets up the bridge network (a build's RUN apt-get, the stack's network) with iptables, which it does not
  # depend on: without it every RUN that needs the network fails with "netavark: No such file or directory".
  [[ -x /usr/sbin/iptables ]] || missing+=(iptables)
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]}"
  bo_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$dir/install.log" 2>&1
  bo_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >>"$dir/install.log" 2>&1 || die "apt-get install failed (see $dir/install.log)"
}

image_exists() { podman image exists "$1" && [[ ${CONTAINERS_REBUILD:-0} != 1 ]]; }

# The Debian mirror this machine's apt uses (deb822 .sources or one-line sources.list), read at run time.
apt_mirror() {
  local mirror
  mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' | grep -v -- '-security' | head -n 1)
  [[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
  [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources.list*"
  echo "$mirror"
}

build_base() {
  image_exists "$base_image" && return 0
  local t0 root
  t0=$(bo_now_ms)
  root=$(mktemp -d "${TMPDIR:-/tmp}/beatorleans-rootfs.XXXXXX")
  log "debootstrap bookworm (minbase) into $root"
  bo_as_root debootstrap --variant=minbase bookworm "$root" "$(apt_mirror)" >"$dir/debootstrap.log" 2>&1 ||
    { bo_as_root rm -rf "$root"; die "debootstrap failed (see $dir/debootstrap.log)"; }
  bo_as_root tar -C "$root" -c . | podman import -q --change 'CMD ["/bin/bash"]' - "$base_image" >/dev/null
  bo_as_root rm -rf "$root"
  log "base image $base_image in $(bo_secs_since "$t0") s"
}

# The .NET runtimes of this machine's SDK, as Microsoft's aspnet image would hold them: tagged with their version.
runtime_image() {
  local root version
  root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  version=$(find "$root/shared/Microsoft.AspNetCore.App" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
  [[ -n $version ]] || die "no ASP.NET Core runtime under $root/shared"
  echo "localhost/beatorleans/aspnet:$version $root $version"
}

build_runtime() {
  local image root version context t0
  read -r image root version < <(runtime_image)
  image_exists "$image" && return 0
  t0=$(bo_now_ms)
  context=$dir/context/dotnet
  rm -rf "$context" && mkdir -p "$context/dotnet/shared" "$context/dotnet/host"
  cp "$BO_REPO_ROOT/deploy/containers/images/dotnet/Containerfile" "$context/"
  cp -a "$root/dotnet" "$root/LICENSE.txt" "$root/ThirdPartyNotices.txt" "$context/dotnet/" 2>/dev/null || cp -a "$root/dotnet" "$context/dotnet/"
  cp -a "$root/host/fxr" "$context/dotnet/host/"
  cp -a "$root/shared/Microsoft.NETCore.App" "$root/shared/Microsoft.AspNetCore.App" "$context/dotnet/shared/"
  podman build -q --format docker --build-arg "BASE_IMAGE=$base_image" -t "$image" "$context" >>"$dir/build.log" 2>&1 ||
    die "building $image failed (see $dir/build.log)"
  log "runtime image $image in $(bo_secs_since "$t0") s"
}

build_servers() {
  local name image context t0
  for name in "${server_images[@]}"; do
    image=localhost/beatorleans/$name:local
    image_exists "$image" && continue
    t0=$(bo_now_ms)
    context=$BO_REPO_ROOT/deploy/containers/images/$name
    if [[ $name == s3 ]]; then
      # The npm package installed on the host (the registry is reached through npm here), copied into the image.
      bo_install_s3rver "$dir/install.log"
      context=$dir/context/s3
      rm -rf "$context" && mkdir -p "$context"
      cp "$BO_REPO_ROOT/deploy/containers/images/s3/Containerfile" "$BO_REPO_ROOT/scripts/s3rver.mjs" "$context/"
      cp -a "$BO_TOOLS_DIR/node_modules" "$context/"
    fi
    podman build -q --format docker --build-arg "BASE_IMAGE=$base_image" -t "$image" "$context" >>"$dir/build.log" 2>&1 ||
      die "building $image failed (see $dir/build.log)"
    log "server image $image in $(bo_secs_since "$t0") s"
  done
}

build_app() {
  local image t0
  read -r image _ _ < <(runtime_image)
  t0=$(bo_now_ms)
  rm -rf "$BO_REPO_ROOT/.publish"
  dotnet publish "$BO_REPO_ROOT/silos/BeatOrleans.Silo" -c Release -o "$BO_REPO_ROOT/.publish/silo" -v q -nologo >>"$dir/build.log" 2>&1 ||
    die "dotnet publish of the silo failed (see $dir/build.log)"
  dotnet publish "$BO_REPO_ROOT/api/BeatOrleans.Api" -c Release -o "$BO_REPO_ROOT/.publish/api" -v q -nologo >>"$dir/build.log" 2>&1 ||
    die "dotnet publish of the API failed (see $dir/build.log)"
  log "published in $(bo_secs_since "$t0") s"
  t0=$(bo_now_ms)
  podman build -q --format docker --build-arg "RUNTIME_IMAGE=$image" --build-arg APP_SOURCE=prebuilt \
    -t localhost/beatorleans:local -f "$BO_REPO_ROOT/Dockerfile" "$BO_REPO_ROOT" >>"$dir/build.log" 2>&1 ||
    die "building the BeatOrleans image failed (see $dir/build.log)"
  log "image localhost/beatorleans:local in $(bo_secs_since "$t0") s"
}

cmd_build() {
  local t0
  t0=$(bo_now_ms)
  install_tools
  build_base
  build_runtime
  build_servers
  build_app
  log "images ready in $(bo_secs_since "$t0") s"
}

secret() { # FILE COMMAND...: made once, kept in $dir
  local file=$dir/$1
  shift
  [[ -s $file ]] || { (umask 077 && "$@" >"$file"); }
  cat "$file"
}

compose() {
  BEATORLEANS_HTTP_PORT=127.0.0.1:$http_port BEATORLEANS_S3_PORT=127.0.0.1:$s3_port \
    BEATORLEANS_PUBLIC_URL=http://127.0.0.1:$http_port BEATORLEANS_S3_PUBLIC_URL=http://127.0.0.1:$s3_port \
    BEATORLEANS_S3_ACCESS_KEY=S3RVER BEATORLEANS_S3_SECRET_KEY=S3RVER \
    BEATORLEANS_JWT_SIGNING_KEY=$(secret jwt-signing.key sh -c 'head -c 48 /dev/urandom | base64 -w0') \
    BEATORLEANS_OPERATOR_PASSWORD=$(secret operator sh -c 'head -c 18 /dev/urandom | base64 -w0') \
    BEATORLEANS_POSTGRES_PASSWORD=$(secret postgres.password sh -c 'head -c 18 /dev/urandom | od -An -tx1 | tr -d " \n"') \
    BEATORLEANS_RABBITMQ_PASSWORD=$(secret rabbitmq.password sh -c 'head -c 18 /dev/urandom | od -An -tx1 | tr -d " \n"') \
    BEATORLEANS_PAYMENTS=${BEATORLEANS_PAYMENTS:-simulated} \
    STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY:-} STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK_SECRET:-} \
    podman-compose -p "$project" -f "$BO_REPO_ROOT/docker-compose.yml" -f "$BO_REPO_ROOT/deploy/containers/compose.local.yml" "$@"
}

container() { echo "${project}_$1_1"; }

state() { podman inspect --format '{{.State.Status}}' "$(container "$1")" 2>/dev/null || echo absent; }

restarts() { podman inspect --format '{{.RestartCount}}' "$(container "$1")" 2>/dev/null || echo 0; }

# podman runs health checks from systemd timers, and there is no systemd here: run each check ourselves.
# A service that exits while it starts is brought back by its restart policy (restart: unless-stopped), as it would
# be in production; it fails the wait only when it stays down for 20 s or has restarted more than 3 times.
wait_healthy() { # SERVICE...
  local service deadline down_since
  deadline=$(($(bo_now_ms) + 180000))
  for service in "$@"; do
    down_since=""
    until podman healthcheck run "$(container "$service")" >/dev/null 2>&1; do
      if [[ $(state "$service") != running ]]; then
        [[ -n $down_since ]] || { down_since=$(bo_now_ms); log "$service is $(state "$service"); waiting for its restart"; }
        if (($(bo_now_ms) - down_since > 20000 || $(restarts "$service") > 3)); then
          podman logs --tail 30 "$(container "$service")" >&2 || true
          die "$service is $(state "$service") after $(restarts "$service") restart(s), not running"
        fi
      else
        down_since=""
      fi
      (($(bo_now_ms) < deadline)) || { podman logs --tail 30 "$(container "$service")" >&2; die "$service not healthy after 180 s"; }
      sleep 1
    done
  done
}

start_services() { # SERVICE...
  local service
  # Without systemd podman complains it cannot schedule the health check timers; wait_healthy runs the checks.
  # (Through a file: conmon keeps the stderr it inherits open, so a pipe would never end.)
  for service in "$@"; do
    podman start "$(container "$service")" >/dev/null 2>"$dir/start.err" || { cat "$dir/start.err" >&2; die "podman start $service failed"; }
    grep -v 'unable to get systemd connection' "$dir/start.err" >&2 || true
  done
}

cmd_up() {
  local t0 t1
  cmd_build
  t0=$(bo_now_ms)
  # Fresh containers from the images just built; volumes (data) stay.
  compose down -t 40 >>"$dir/compose.log" 2>&1 || true
  # Created, not started (podman-compose 1.0: --no-start without -d); started below in dependency order.
  compose up --no-build --no-start >>"$dir/compose.log" 2>&1 || die "podman-compose could not create the containers (see $dir/compose.log)"
  # Started in the order the compose file's depends_on conditions give (podman-compose 1.0 only orders them).
  t1=$(bo_now_ms)
  start_services "${servers[@]}"
  wait_healthy "${servers[@]}"
  log "servers healthy in $(bo_secs_since "$t1") s"
  start_services s3-init
  t1=$(bo_now_ms)
  start_services "${silos[@]}"
  wait_healthy "${silos[@]}"
  log "silos healthy in $(bo_secs_since "$t1") s"
  t1=$(bo_now_ms)
  start_services "${apis[@]}"
  wait_healthy "${apis[@]}"
  start_services proxy
  bo_wait_for proxy 60 "" "" curl -fsS -o /dev/null "$(url)/health/ready"
  log "API nodes and proxy ready in $(bo_secs_since "$t1") s; stack up in $(bo_secs_since "$t0") s"
  cmd_status
}

url() { echo "http://127.0.0.1:$http_port"; }

cmd_status() {
  local name
  podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}} {{.State}} {{.Status}}' |
    while read -r name state status; do
      name=${name#"${project}_"}
      health=-
      case $status in *"(healthy)"*) health=healthy ;; *"(unhealthy)"*) health=unhealthy ;; *"(starting)"*) health=starting ;; esac
      echo "${name%_1} $state $health"
    done
  echo "api $(url)"
}

cmd_down() { # [--purge]
  [[ -z ${1:-} || $1 == --purge ]] || die "usage: containers.sh down [--purge]"
  local t0
  t0=$(bo_now_ms)
  if [[ ${1:-} == --purge ]]; then
    compose down -v -t 40 >>"$dir/compose.log" 2>&1 || true
  else
    compose down -t 40 >>"$dir/compose.log" 2>&1 || true
  fi
  podman network rm "${project}_default" >/dev/null 2>&1 || true
  local left
  left=$(podman ps -a -q --filter "label=io.podman.compose.project=$project")
  [[ -z $left ]] || die "containers left after down: $left"
  log "down in $(bo_secs_since "$t0") s$([[ ${1:-} == --purge ]] && echo '; volumes deleted' || echo '; volumes kept')"
}

case ${1:-} in
  up) cmd_up ;;
  build) cmd_build ;;
  status) cmd_status ;;
  url) url ;;
  logs)
    if [[ -n ${2:-} ]]; then podman logs "$(container "$2")"; else compose logs; fi
    ;;
  stop) podman stop -t 40 "$(container "${2:?usage: containers.sh stop SERVICE}")" >/dev/null ;;
  # --time 0: SIGKILL at once, no graceful leave; a stopped container is not restarted by its restart policy.
  kill) podman stop -t 0 "$(container "${2:?usage: containers.sh kill SERVICE}")" >/dev/null ;;
  start)
    start_services "${2:?usage: containers.sh start SERVICE}"
    wait_healthy "$2"
    ;;
  down) cmd_down "${2:-}" ;;
  *) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
