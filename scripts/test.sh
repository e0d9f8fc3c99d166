#!/usr/bin/env bash
# Runs the BeatOrleans test suite against real local servers.
#
#   ./scripts/test.sh [dotnet test args...]   e.g. ./scripts/test.sh --filter "FullyQualifiedName~Redis"
#   ./scripts/test.sh --servers-only          start the servers, print the env.sh path, wait for Ctrl-C
#   ./scripts/test.sh --no-deployments        skip the deployment stage (see below)
#   ./scripts/test.sh --deployments           run the deployment stage even with dotnet test arguments
#
# Installs what is missing (Debian: redis-server rabbitmq-server postgresql ffmpeg chromium; npm:
# @20minutes/s3rver into .tools/), starts Redis, PostgreSQL, RabbitMQ and s3rver on
# 127.0.0.1 with non-default ports under a private run folder, exports BEATORLEANS_TEST_*,
# runs `dotnet test`, stops everything it started, and prints as its last line
# `N passed, N failed[, N skipped]`.
#
# Deployment stage (by default when no dotnet test argument is given): after the dotnet tests, with the servers
# stopped, scripts/deployment-smoke.sh brings the stack up in containers (compose on podman; images built here), runs
# the walk-through of tests/BeatOrleans.Deployment.Tests against it and takes it down, then does the same with the
# Kubernetes manifests on `podman kube play` (BEATORLEANS_DEPLOYMENT_TARGETS="containers kube" picks). Their results
# count in the last line; a stack that does not come up counts as one failed test.
#
# Env: BEATORLEANS_SLN (solution, default BeatOrleans.sln or .slnx at the repo root),
#      KEEP_RUN_DIR=1 (keep data, logs and .trx files), port overrides: see scripts/lib/servers.sh.
set -euo pipefail

BO_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/servers.sh
source "$BO_REPO_ROOT/scripts/lib/servers.sh"

servers_only=0
deployments=default
dotnet_args=()
for arg in "$@"; do
  case $arg in
    --servers-only) servers_only=1 ;;
    --deployments) deployments=1 ;;
    --no-deployments) deployments=0 ;;
    -h | --help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) dotnet_args+=("$arg") ;;
  esac
done

if [[ -n ${BEATORLEANS_SLN:-} ]]; then
  sln=$BEATORLEANS_SLN
  [[ $sln == /* ]] || sln=$PWD/$sln
elif [[ -f $BO_REPO_ROOT/BeatOrleans.sln || ! -f $BO_REPO_ROOT/BeatOrleans.slnx ]]; then
  sln=$BO_REPO_ROOT/BeatOrleans.sln
else
  sln=$BO_REPO_ROOT/BeatOrleans.slnx
fi
cd "$BO_REPO_ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap bo_cleanup EXIT
bo_make_run_dir

t0=$(bo_now_ms)
bo_install_deps
bo_log "install check done in $(bo_secs_since "$t0") s"

bo_start_all

if ((servers_only)); then
  bo_log "environment: source $BO_RUN_DIR/env.sh"
  sed 's/^/[servers]   /' "$BO_RUN_DIR/env.sh"
  bo_log "servers running; press Ctrl-C to stop them"
  echo "$BO_RUN_DIR/env.sh"
  while :; do sleep 1; done
fi

results=$BO_RUN_DIR/TestResults
mkdir -p "$results"
# The browser tests (tests/BeatOrleans.Web.Tests) save screenshots of the main pages here.
export BEATORLEANS_TEST_ARTIFACTS=$results/screenshots
bo_log "dotnet test ${sln#"$BO_REPO_ROOT"/} ${dotnet_args[*]}"
test_rc=0
dotnet test "$sln" -c Release --results-directory "$results" \
  --logger "trx;LogFilePrefix=beatorleans" "${dotnet_args[@]}" || test_rc=$?

# The deployment stage: the servers' cores go to the containers (the results folder stays until the end).
if [[ $deployments == default ]]; then
  ((${#dotnet_args[@]} == 0)) && deployments=1 || deployments=0
fi
stage_failures=0
if ((deployments)); then
  bo_stop_all
  for target in ${BEATORLEANS_DEPLOYMENT_TARGETS:-containers kube}; do
    bo_log "deployment stage: $target"
    t0=$(bo_now_ms)
    before=$(find "$results" -name "deployment-$target*.trx" | wc -l)
    ./scripts/deployment-smoke.sh "$target" "$results" || true
    export KUBE_NO_BUILD=1 # the images the first target built serve the next
    if (($(find "$results" -name "deployment-$target*.trx" | wc -l) == before)); then
      bo_err "deployment stage $target produced no test results: its stack did not come up (counted as 1 failed)"
      stage_failures=$((stage_failures + 1))
    fi
    bo_log "deployment stage $target done in $(bo_secs_since "$t0") s"
  done
fi

# Sum the <Counters total= executed= passed= failed= .../> of every .trx (one per test project).
counter() { # NAME: the attribute's value in $counters, 0 if absent
  local v
  v=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters")
  echo "${v:-0}"
}
passed=0 failed=0 skipped=0 executed=0 trx_count=0
while IFS= read -r -d '' trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1) || continue
  trx_count=$((trx_count + 1))
  passed=$((passed + $(counter passed)))
  failed=$((failed + $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted)))
  executed=$((executed + $(counter executed)))
  skipped=$((skipped + $(counter total) - $(counter executed))) # xunit skips: counted, not executed
done < <(find "$results" -name '*.trx' -print0)

# The API contracts (scripts/lint-openapi.sh): each lint or check counts as one test in the summary.
# (tee to a file of its own: `tee /dev/stderr` reopens a redirected log with O_TRUNC and wiped everything before it)
"$BO_REPO_ROOT/scripts/lint-openapi.sh" 2>&1 | tee "$BO_RUN_DIR/contracts.log" || true
lint_summary=$(tail -n 1 "$BO_RUN_DIR/contracts.log")
[[ $lint_summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] || lint_summary="0 passed, 1 failed"
[[ $lint_summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] && passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))

# The web client's checks (scripts/web-check.sh: tsc --checkJs against the generated types, local resources only),
# counted the same way.
"$BO_REPO_ROOT/scripts/web-check.sh" 2>&1 | tee "$BO_RUN_DIR/web-check.log" || true
web_summary=$(tail -n 1 "$BO_RUN_DIR/web-check.log")
[[ $web_summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] || web_summary="0 passed, 1 failed"
[[ $web_summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] && passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))

# House style the compiler does not check (scripts/style-check.sh: line length), counted the same way.
"$BO_REPO_ROOT/scripts/style-check.sh" 2>&1 | tee "$BO_RUN_DIR/style-check.log" || true
style_summary=$(tail -n 1 "$BO_RUN_DIR/style-check.log")
[[ $style_summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] || style_summary="0 passed, 1 failed"
[[ $style_summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]] && passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))

rc=0
if ((test_rc != 0)); then
  bo_err "dotnet test exited with code $test_rc"
  rc=1
fi
if ((executed == 0)); then
  bo_err "no test was executed ($trx_count .trx file(s) found): build failure or empty test run"
  rc=1
fi
failed=$((failed + stage_failures))
# A build error or a crashed test host fails `dotnet test` without a failed test in any .trx: the summary counts it
# as one failure, so the last line never reads "0 failed" for a run that did not build.
if ((test_rc != 0 && failed == 0)); then
  failed=1
fi
((failed == 0)) || rc=1

if [[ ${KEEP_RUN_DIR:-0} == 1 ]]; then bo_log "test results: $results (screenshots: $BEATORLEANS_TEST_ARTIFACTS)"; fi
bo_cleanup
trap - EXIT

summary="$passed passed, $failed failed"
((skipped == 0)) || summary+=", $skipped skipped"
echo "$summary"
exit "$rc"
