#!/usr/bin/env bash
# Work per chat message in the cluster profile: grain calls by grain type (the Orleans dashboard's counters) and
# Redis commands (INFO commandstats; a grain state write is one EVALSHA) per message, at one fixed rate of ChatBench
# (REST send on api-1, SignalR receive on api-2; users, chat and notifications silos). Counts, not CPU: they hold
# still on a busy machine and carry over to one with more cores. CPU per message of each process is printed too.
#   [PAIRS=20] [RATE=400] [CLUSTER_BRIDGE=on|off] scripts/bench/chat-work.sh [seconds]
# CLUSTER_BRIDGE=off: no RabbitMQ for the processes, as in the scale benchmark's chat step.
# ChatBench warms up for 10 s at the rate, then measures `seconds`; every message of the run is counted, and the
# dashboard's counters cover its last 100 s, so keep the run shorter than that (the default is about 35 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
rate=${RATE:-400}
dotnet build scripts/bench/ChatBench -c Release -v q -nologo >/dev/null

export CLUSTER_DIR CLUSTER_BASE_PORT=${BENCH_BASE_PORT:-18300} CLUSTER_RATE_LIMIT=100000
export CLUSTER_DOMAINS="users chat notifications"
CLUSTER_DIR=$(mktemp -d)
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"' EXIT
CLUSTER_API_ARGS=--RateLimits:MessagesPerUserPer10Seconds=100000 scripts/cluster.sh up >/dev/null
api1=$(scripts/cluster.sh url api-1)
api2=$(scripts/cluster.sh url api-2)
# CPU per message of each process on the path, as scripts/bench/chat.sh prints it (ChatBench reads CHAT_PROCS).
CHAT_PROCS=$(scripts/cluster.sh status | while read -r name pid _; do
  echo "$name=$(pgrep -P "$pid" dotnet || echo "$pid")"
done | xargs)
export CHAT_PROCS
# shellcheck disable=SC1091
source "$CLUSTER_DIR/servers.env"
redis_port=${BEATORLEANS_TEST_REDIS##*:}
operator=$(cat "$CLUSTER_DIR/operator")

redis_counts() { redis-cli -p "$redis_port" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\).*/\1 \2/p'; }
# The dashboard collects the silos' counters once its grain is active: wake it before the run.
curl -fs -o /dev/null -u "operator:$operator" "$api1/dashboard/DashboardCounters"
redis_counts >"$CLUSTER_DIR/redis.before"
out=$(PAIRS=${PAIRS:-20} dotnet scripts/bench/ChatBench/bin/Release/net10.0/ChatBench.dll latency "$api1" "$api2" "$seconds" "$rate" 2>&1 |
  grep -vE '^(warn|info|      )')
redis_counts >"$CLUSTER_DIR/redis.after"
sleep 3 # the silos report their counters to the dashboard every second
curl -fs -u "operator:$operator" "$api1/dashboard/DashboardCounters" >"$CLUSTER_DIR/counters.json"
echo "$out"
# Messages of the run: the warm-up's one per pair, 10 s at the rate, then the measured seconds.
messages=$((${PAIRS:-20} + rate * (10 + seconds)))
python3 - "$CLUSTER_DIR" "$messages" "${CLUSTER_BRIDGE:-on}" <<'PY'
import json, sys
folder, messages, bridge = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def counts(name):
    return {k: int(v) for k, v in (line.split() for line in open(f"{folder}/{name}"))}
before, after = counts("redis.before"), counts("redis.after")
calls = {}
for g in json.load(open(f"{folder}/counters.json"))["simpleGrainStats"]:
    calls[g["grainType"]] = calls.get(g["grainType"], 0) + g["totalCalls"]
print(f"work per message ({messages} messages, bridge {bridge}):")
total = 0
for grain, n in sorted(calls.items(), key=lambda kv: -kv[1]):
    if n / messages >= 0.01:
        total += n
        print(f"  {grain.rsplit('.', 1)[-1]:28s} {n / messages:5.2f} calls")
print(f"  {'grain calls together':28s} {total / messages:5.2f}")
for command in ("evalsha", "hget", "hmset", "get", "set"):
    n = after.get(command, 0) - before.get(command, 0)
    print(f"  redis {command:22s} {n / messages:5.2f}")
PY
