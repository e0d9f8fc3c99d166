#!/usr/bin/env bash
# CPU per request in the cluster profile: one API node and one users silo (scripts/cluster.sh, Redis + PostgreSQL),
# the API node pinned to core 0 alone, the silo, the servers and wrk on core 1. CPU time of the API node and of the
# silo is read from /proc/<pid>/stat around each run, so the figures hold still on a busy machine.
#   scripts/bench/cluster-cost.sh [seconds] [rounds]
# WARMUP (seconds, default 15) of load before each measured run lets tiered compilation finish (see request-cost.sh).
# Prints, per round and endpoint: requests, req/s, API-node and silo CPU microseconds per request, then the ratios
# the performance issue asks for (profile req/s over /health/live req/s on one API core).
# BENCH_PATHS: more GET paths measured the same way after the profile (with the rotating tokens), e.g.
# BENCH_PATHS="/api/beats?limit=20" for a catalogue search (with "catalog" in BENCH_DOMAINS).
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-8}
rounds=${2:-2}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
ticks=$(getconf CLK_TCK)

export CLUSTER_DIR CLUSTER_BASE_PORT=${BENCH_BASE_PORT:-18200} CLUSTER_RATE_LIMIT=100000 CLUSTER_API_NODES=1
# BENCH_DOMAINS (default: users) are the domains that get a silo; with more than users, the other silos' CPU per
# request is printed too: an Orleans client sends a grain call to the gateway of any silo, which forwards it.
export CLUSTER_DOMAINS=${BENCH_DOMAINS:-users}
CLUSTER_DIR=$(mktemp -d)
cleanup() { scripts/cluster.sh down >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"; }
trap cleanup EXIT

scripts/cluster.sh up >/dev/null
api=$(scripts/cluster.sh status | awk '$1=="api-1"{print $3}')
api_pid=$(scripts/cluster.sh status | awk '$1=="api-1"{print $2}')
silo_pid=$(scripts/cluster.sh status | awk '$1 ~ /^silo-users/{print $2; exit}')
taskset -a -p -c 0 "$api_pid" >/dev/null
taskset -a -p -c 1 "$silo_pid" >/dev/null
other_pids=$(scripts/cluster.sh status | awk '$1 ~ /^silo-/ && $1 !~ /^silo-users/{print $2}')
for pid in $other_pids; do taskset -a -p -c 1 "$pid" >/dev/null; done

json='content-type: application/json'
# USERS accounts (default 48), each logged in once; the profile runs rotate through their tokens, so the reads spread
# over as many user grains and sessions as in a real crowd, not one hot grain.
users=${USERS:-48}
password=correct-horse-battery-staple-7
: >"$CLUSTER_DIR/tokens"
for i in $(seq 1 "$users"); do
  curl -fs -XPOST "$api/api/users/signup" -H "$json" \
    -d "{\"username\":\"bench_cost_$i\",\"email\":\"bench-cost-$i@example.com\",\"password\":\"$password\"}" >/dev/null
  token=$(curl -fs -XPOST "$api/api/users/login" -H "$json" \
    -d "{\"email\":\"bench-cost-$i@example.com\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  echo "$token" >>"$CLUSTER_DIR/tokens"
done
export TOKENS=$CLUSTER_DIR/tokens
echo "$(grep -c "^eyJ" "$TOKENS") of $users users logged in" >&2
cat >"$CLUSTER_DIR/rotate.lua" <<'LUA'
-- GET with the next bearer token of the file $TOKENS, round robin
local reqs, i = {}, 0
function init(args)
  for line in io.lines(os.getenv("TOKENS")) do reqs[#reqs + 1] = wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. line }) end
end
function request()
  i = i % #reqs + 1
  return reqs[i]
end
LUA

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
others() { for pid in $other_pids; do cpu "$pid"; done | awk '{s += $1} END{print s + 0}'; }
# measure NAME URL [wrk args...]: a warm-up, then one measured run; sets RPS, API_US and SILO_US
measure() {
  local name=$1 url=$2; shift 2
  taskset -c 1 wrk -t1 -c16 -d"${WARMUP:-15}s" "$@" "$url" >/dev/null
  local a0 s0 o0 a1 s1 o1 requests
  a0=$(cpu "$api_pid") s0=$(cpu "$silo_pid") o0=$(others)
  local report
  report=$(taskset -c 1 wrk -t1 -c16 -d"${duration}s" "$@" "$url")
  requests=$(awk '/requests in/{print $1}' <<<"$report")
  if grep -q "Non-2xx" <<<"$report"; then echo "$name: $(grep "Non-2xx" <<<"$report" | xargs)" >&2; fi
  a1=$(cpu "$api_pid") s1=$(cpu "$silo_pid") o1=$(others)
  RPS=$(awk -v r="$requests" -v d="$duration" 'BEGIN{printf "%.0f", r/d}')
  API_US=$(awk -v r="$requests" -v c=$((a1 - a0)) -v t="$ticks" 'BEGIN{printf "%.1f", c/t*1e6/r}')
  SILO_US=$(awk -v r="$requests" -v c=$((s1 - s0)) -v t="$ticks" 'BEGIN{printf "%.1f", c/t*1e6/r}')
  printf "%-24s %8d requests %7d req/s  API node %6.1f us/request  users silo %6.1f us/request" \
    "$name" "$requests" "$RPS" "$API_US" "$SILO_US"
  if [ -n "$other_pids" ]; then
    awk -v r="$requests" -v c=$((o1 - o0)) -v t="$ticks" 'BEGIN{printf "  other silos %6.1f us/request", c/t*1e6/r}'
  fi
  echo
}
for round in $(seq 1 "$rounds"); do
  echo "round $round"
  measure "GET /health/live" "$api/health/live"
  live_rps=$RPS live_us=$API_US
  measure "GET /api/users/profile" "$api/api/users/profile" -s "$CLUSTER_DIR/rotate.lua"
  awk -v lr="$live_rps" -v lu="$live_us" -v pr="$RPS" -v pu="$API_US" \
    'BEGIN{printf "profile/live on one API core: %.2f by req/s; a profile read costs the API node %.2fx a live check\n", pr/lr, pu/lu}'
  for path in ${BENCH_PATHS:-}; do
    measure "GET ${path%%\?*}" "$api$path" -s "$CLUSTER_DIR/rotate.lua"
  done
done
