#!/usr/bin/env bash
# The walk-through of tests/BeatOrleans.Deployment.Tests against a deployment this script brings up and takes down:
#
#   scripts/deployment-smoke.sh containers [RESULTS_DIR]   scripts/containers.sh (compose on podman)
#   scripts/deployment-smoke.sh kube [RESULTS_DIR]         scripts/kube.sh (the Kubernetes manifests on podman kube play)
#
# The test results (.trx) go to RESULTS_DIR (default: a temporary folder). The containers stack runs as its own
# compose project on its own ports (CONTAINERS_PROJECT=beatorleans-smoke, 28280/28290), so a stack a developer keeps
# up is left alone; `down --purge` at the end leaves no container, volume or network behind.
set -euo pipefail

BO_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target=${1:?usage: deployment-smoke.sh containers|kube [RESULTS_DIR]}
results=${2:-$(mktemp -d "${TMPDIR:-/tmp}/beatorleans-smoke.XXXXXX")}
case $target in
  containers)
    control=$BO_REPO_ROOT/scripts/containers.sh
    export CONTAINERS_PROJECT=${CONTAINERS_PROJECT:-beatorleans-smoke} CONTAINERS_HTTP_PORT=${CONTAINERS_HTTP_PORT:-28280} \
      CONTAINERS_S3_PORT=${CONTAINERS_S3_PORT:-28290}
    ;;
  kube) control=$BO_REPO_ROOT/scripts/kube.sh ;;
  *) echo "usage: deployment-smoke.sh containers|kube [RESULTS_DIR]" >&2; exit 2 ;;
esac

log() { printf '[smoke] %s\n' "$*" >&2; }
trap 'log "taking the $target deployment down"; "$control" down --purge || true' EXIT

t0=$(date +%s)
"$control" up
log "$target deployment up in $(($(date +%s) - t0)) s"
t0=$(date +%s)
rc=0
BEATORLEANS_DEPLOY_URL=$("$control" url) BEATORLEANS_DEPLOY_CONTROL=$control \
  dotnet test "$BO_REPO_ROOT/tests/BeatOrleans.Deployment.Tests" -c Release --results-directory "$results" \
  --logger "trx;LogFilePrefix=deployment-$target" || rc=$?
log "walk-through on $target in $(($(date +%s) - t0)) s"
if ((rc != 0)); then
  # The stack's logs go with its teardown: keep every silo's and API node's output for the record first.
  mkdir -p "$results/$target-logs"
  log "the walk-through failed; each process's output is in $results/$target-logs, its last lines follow"
  # The servers the silos wait on last (a broker that blocks publishers says so in its log): the record keeps only
  # the end of the output.
  for name in $("$control" status | awk '$1 ~ /^(silo|api)/ && $2 !~ /^http/ {print $1}') redis postgres rabbitmq; do
    "$control" logs "$name" >"$results/$target-logs/$name.log" 2>&1 || true
    tail -n 25 "$results/$target-logs/$name.log" | sed "s/^/[$name] /" >&2
  done
fi
exit "$rc"
