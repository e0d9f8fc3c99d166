#!/usr/bin/env bash
# Cluster benchmark (Release; Redis + PostgreSQL started by scripts/cluster.sh in a private folder):
#   - GET /api/users/profile req/s through one API node of the cluster, as a ratio to the same call on the
#     embedded profile (scripts/bench/users.sh, one run) and to /health/live on the same API node
#   - silo start-up time (start -> /health/ready answers)
#   - kill -9 of the users silo: time to the first 503, and from its restart to the first successful login
# Usage: scripts/bench/cluster.sh [seconds-per-wrk-run]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }

export CLUSTER_DIR CLUSTER_BASE_PORT=${BENCH_BASE_PORT:-18000} CLUSTER_RATE_LIMIT=100000
CLUSTER_DIR=$(mktemp -d)
cleanup() { scripts/cluster.sh down >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"; }
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

embedded=$(scripts/bench/users.sh "$duration" 3 | tee /dev/stderr | awk '/GET \/api\/users\/profile/{print $3}')

scripts/cluster.sh up >/dev/null
api=$(scripts/cluster.sh status | awk '$1=="api-1"{print $3}')
json='content-type: application/json'
curl -fs -XPOST "$api/api/users/signup" -H "$json" \
  -d '{"username":"bench_cluster","email":"bench-cluster@example.com","password":"correct-horse-battery-staple-7"}' >/dev/null
login='{"email":"bench-cluster@example.com","password":"correct-horse-battery-staple-7"}'
token=$(curl -fs -XPOST "$api/api/users/login" -H "$json" -d "$login" | sed -E 's/.*"token":"([^"]+)".*/\1/')

rps() { wrk -t2 -c32 -d"${duration}s" "$@" | awk '/Requests\/sec/{print $2}'; }
wrk -t2 -c32 -d3s "$api/health/live" >/dev/null
live=$(rps "$api/health/live")
wrk -t2 -c32 -d3s -H "Authorization: Bearer $token" "$api/api/users/profile" >/dev/null
profile=$(rps -H "Authorization: Bearer $token" "$api/api/users/profile")

scripts/cluster.sh stop silo-users
t=$(now)
scripts/cluster.sh start silo-users
startup=$(since "$t")

status() { curl -s -o /dev/null -w '%{http_code}' -XPOST "$api/api/users/login" -H "$json" -d "$login"; }
t=$(now)
scripts/cluster.sh kill silo-users
until [[ $(status) == 503 ]]; do sleep 0.05; done
first_503=$(since "$t")
t=$(now)
scripts/cluster.sh start silo-users
until [[ $(status) == 200 ]]; do sleep 0.05; done
recovery=$(since "$t")

echo "cluster GET /health/live (api-1):       $live req/s (wrk -t2 -c32 -d${duration}s)"
echo "cluster GET /api/users/profile (api-1): $profile req/s"
echo "embedded GET /api/users/profile:        $embedded req/s"
awk -v p="$profile" -v l="$live" -v e="$embedded" 'BEGIN{printf "ratio cluster profile / cluster live: %.2f\nratio cluster profile / embedded profile: %.2f\n", p/l, p/e}'
echo "users silo start-up (start -> /health/ready): $startup s"
echo "kill -9 users silo -> first 503 on login: $first_503 s"
echo "restart -> first successful login: $recovery s"
