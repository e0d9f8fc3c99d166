#!/usr/bin/env bash
# Chat benchmark (Release):
#   - append cost at the start and the end of one long conversation (in-process silo, memory storage)
#   - send->receive latency p50/p99, REST send on api-1 -> SignalR push on api-2, at rising rates after a 10 s warm-up,
#     and the highest rate whose p99 stays under 250 ms with nothing lost (scripts/cluster.sh: Redis, PostgreSQL,
#     RabbitMQ, one silo for each domain on a message's path: users, chat, notifications; BENCH_DOMAINS to change it,
#     e.g. BENCH_DOMAINS="users chat notifications catalog purchasing" for every domain's silo on the same cores)
#   - CPU per message of every API node and silo and of the load generator, at each rate
#   - idle SignalR connections one API node holds, and its memory per connection
# Usage: [PAIRS=20] [RATES="25 50 100 200 400"] [BENCH_DOMAINS=...] scripts/bench/chat.sh [append-messages] [seconds-per-rate] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=${1:-10000}
seconds=${2:-10}
connections=${3:-2000}
ulimit -n 65536 2>/dev/null || true

dotnet build scripts/bench/ChatBench -c Release -v q -nologo >/dev/null
bench() { dotnet scripts/bench/ChatBench/bin/Release/net10.0/ChatBench.dll "$@" 2>&1 | grep -vE '^(warn|info|      )'; }

((messages == 0)) || bench append "$messages"

export CLUSTER_DIR CLUSTER_BASE_PORT=${BENCH_BASE_PORT:-18100} CLUSTER_RATE_LIMIT=100000
export CLUSTER_DOMAINS=${BENCH_DOMAINS:-users chat notifications}
CLUSTER_DIR=$(mktemp -d)
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"' EXIT
CLUSTER_API_ARGS=--RateLimits:MessagesPerUserPer10Seconds=100000 scripts/cluster.sh up >/dev/null
api1=$(scripts/cluster.sh status | awk '$1=="api-1"{print $3}')
api2=$(scripts/cluster.sh status | awk '$1=="api-2"{print $3}')
pid2=$(scripts/cluster.sh status | awk '$1=="api-2"{print $2}')
# The processes on a message's path, for ChatBench's CPU per message (the dotnet process under a wrapper, if any).
CHAT_PROCS=$(scripts/cluster.sh status | while read -r name pid _; do
  echo "$name=$(pgrep -P "$pid" dotnet || echo "$pid")"
done | xargs)
export CHAT_PROCS
# shellcheck disable=SC2086
bench latency "$api1" "$api2" "$seconds" ${RATES:-25 50 100 200 400}
bench connections "$api2" "$(pgrep -P "$pid2" dotnet || echo "$pid2")" "$connections"
