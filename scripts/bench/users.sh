#!/usr/bin/env bash
# Users benchmark on the embedded profile (Release build, one process):
#   - login cost: median and p90 wall time of POST /api/users/login over N sequential logins
#   - GET /api/users/profile throughput as a ratio to GET /health/live, wrk on the same host, in alternating rounds
# Usage: scripts/bench/users.sh [seconds-per-wrk-run] [logins]
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${1:-10}
logins=${2:-21}
port=${BENCH_PORT:-15980}
base="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d)
api_pid=""
cleanup() { [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dotnet build -c Release api/BeatOrleans.Api -v q -nologo >/dev/null
(cd "$work" && exec dotnet "$OLDPWD/api/BeatOrleans.Api/bin/Release/net10.0/BeatOrleans.Api.dll" \
  --urls "$base" --ConnectionStrings:Sqlite="Data Source=$work/bench.db" \
  --Auth:Jwt:SigningKeyFile="$work/jwt.key" --RateLimits:CredentialsPerClientPerMinute=100000 \
  --Silo:SiloPort=15911 --Silo:PrimarySiloPort=15911 --Silo:GatewayPort=15930 \
  --Logging:LogLevel:Default=Warning >"$work/api.log" 2>&1) &
api_pid=$!
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fs "$base/health/ready" >/dev/null || { echo "API did not get ready"; tail -20 "$work/api.log"; exit 1; }

json='content-type: application/json'
curl -fs -XPOST "$base/api/users/signup" -H "$json" \
  -d '{"username":"bench_user","email":"bench@example.com","password":"correct-horse-battery-staple-7"}' >/dev/null
login='{"email":"bench@example.com","password":"correct-horse-battery-staple-7"}'

for _ in $(seq 1 "$logins"); do
  curl -fs -o "$work/login.json" -w '%{time_total}\n' -XPOST "$base/api/users/login" -H "$json" -d "$login"
done | tail -n +2 | sort -n > "$work/login-times"
n=$(wc -l < "$work/login-times")
median=$(awk -v n="$n" 'NR==int((n+1)/2){printf "%.1f", $1*1000}' "$work/login-times")
p90=$(awk -v n="$n" 'NR==int(n*0.9+0.5){printf "%.1f", $1*1000}' "$work/login-times")
token=$(sed -E 's/.*"token":"([^"]+)".*/\1/' "$work/login.json")

rps() { wrk -t2 -c32 -d"${duration}s" "$@" | awk '/Requests\/sec/{print $2}'; }
# Warm-up: tiered compilation of the hot path takes several seconds of load (WARMUP, default 15; see request-cost.sh).
wrk -t2 -c32 -d"${WARMUP:-15}s" "$base/health/live" >/dev/null
wrk -t2 -c32 -d"${WARMUP:-15}s" -H "Authorization: Bearer $token" "$base/api/users/profile" >/dev/null
echo "login (PBKDF2-HMAC-SHA512, 210000 iterations), $n sequential: median ${median} ms, p90 ${p90} ms"
# ROUNDS (default 3) alternating pairs: one pair on a shared machine moves by 10-20%; the median pair is the figure.
for round in $(seq 1 "${ROUNDS:-3}"); do
  live=$(rps "$base/health/live")
  profile=$(rps -H "Authorization: Bearer $token" "$base/api/users/profile")
  awk -v r="$round" -v p="$profile" -v l="$live" \
    'BEGIN{printf "round %d: GET /health/live %.0f req/s, GET /api/users/profile %.0f req/s (authenticated), ratio %.2f\n", r, l, p, p/l}'
done | tee "$work/rounds"
echo "(wrk -t2 -c32 -d${duration}s per run)"
awk '{print $NF}' "$work/rounds" | sort -n | awk '{a[NR]=$1} END{printf "ratio profile/live, median of %d rounds: %.2f\n", NR, a[int((NR+1)/2)]}'
