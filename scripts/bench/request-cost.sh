#!/usr/bin/env bash
# CPU per request of the embedded profile: the API process pinned to one core (taskset), wrk on the other, CPU time
# read from /proc/<pid>/stat around each run. CPU per request, unlike req/s, holds still on a busy shared machine.
#   scripts/bench/request-cost.sh [seconds] [repository root of the build to measure (default: this one)]
# WARMUP (seconds, default 15) is the load before each measured run: the JIT's tiered compilation of the hot path
# takes several seconds of it, and a shorter warm-up measures the compiler (2 s gave ~120 us per live check, 15 s ~30).
# Prints, per round and endpoint: requests, req/s, API-process CPU microseconds per request; then profile/live ratios.
set -euo pipefail
duration=${1:-8}
root=$(cd "${2:-$(dirname "$0")/../..}" && pwd)
port=${BENCH_PORT:-15985}
base="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
ticks=$(getconf CLK_TCK)

work=$(mktemp -d)
api_pid=""
cleanup() { [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

(cd "$work" && exec taskset -c 0 dotnet "$root/api/BeatOrleans.Api/bin/Release/net10.0/BeatOrleans.Api.dll" \
  --urls "$base" --Auth:Jwt:SigningKeyFile="$work/jwt.key" --RateLimits:CredentialsPerClientPerMinute=100000 \
  --Silo:SiloPort=15913 --Silo:PrimarySiloPort=15913 --Silo:GatewayPort=15932 \
  --Logging:LogLevel:Default=Warning >"$work/api.log" 2>&1) &
api_pid=$!
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.25; done
json='content-type: application/json'
curl -fs -XPOST "$base/api/users/signup" -H "$json" \
  -d '{"username":"bench_user","email":"bench@example.com","password":"correct-horse-battery-staple-7"}' >/dev/null
token=$(curl -fs -XPOST "$base/api/users/login" -H "$json" \
  -d '{"email":"bench@example.com","password":"correct-horse-battery-staple-7"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

cpu() { awk '{print $14 + $15}' "/proc/$api_pid/stat"; }
# measure NAME URL [wrk args...]: one warm-up, then one measured run; sets RPS and US (CPU microseconds per request)
measure() {
  local name=$1 url=$2; shift 2
  taskset -c 1 wrk -t1 -c16 -d"${WARMUP:-15}s" "$@" "$url" >/dev/null
  local before after requests
  before=$(cpu)
  requests=$(taskset -c 1 wrk -t1 -c16 -d"${duration}s" "$@" "$url" | awk '/requests in/{print $1}')
  after=$(cpu)
  RPS=$(awk -v r="$requests" -v d="$duration" 'BEGIN{printf "%.0f", r/d}')
  US=$(awk -v r="$requests" -v c=$((after - before)) -v t="$ticks" 'BEGIN{printf "%.1f", c/t*1e6/r}')
  printf "%-22s %8d requests %7d req/s %7.1f us CPU/request\n" "$name" "$requests" "$RPS" "$US"
}
# ROUNDS (default 2) alternating pairs: the first pair still carries some of the JIT's work, the last is the figure.
for round in $(seq 1 "${ROUNDS:-2}"); do
  echo "round $round"
  measure "GET /health/live" "$base/health/live"
  live_rps=$RPS live_us=$US
  measure "GET /api/users/profile" "$base/api/users/profile" -H "Authorization: Bearer $token"
  awk -v lr="$live_rps" -v lu="$live_us" -v pr="$RPS" -v pu="$US" \
    'BEGIN{printf "profile/live: %.2f by req/s; a profile read costs %.2fx the CPU of a live check\n", pr/lr, pu/lu}'
done
