#!/usr/bin/env bash
# RabbitMQ bridge benchmark (Release), one cluster-profile silo in one process (chat state on Redis):
#   - chat send latency with the bridge off, then on (the outbox's cost on the send path)
#   - confirmed events per second through the bridge, and the delay from the state change (occurred_at) to the
#     message on a bound queue, p50/p99
# Usage: scripts/bench/bridge.sh [messages] [conversations]
# Uses BEATORLEANS_TEST_RABBITMQ, _REDIS and _POSTGRES when set (e.g. from `scripts/test.sh --servers-only`);
# otherwise starts private servers (scripts/lib/servers.sh) and stops them.
set -euo pipefail
BO_REPO_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$BO_REPO_ROOT"
messages=${1:-5000}
conversations=${2:-50}

if [[ -z ${BEATORLEANS_TEST_RABBITMQ:-} || -z ${BEATORLEANS_TEST_REDIS:-} || -z ${BEATORLEANS_TEST_POSTGRES:-} ]]; then
  # shellcheck source=../lib/servers.sh
  source scripts/lib/servers.sh
  bo_make_run_dir
  trap bo_cleanup EXIT
  bo_install_deps >/dev/null
  bo_start_rabbitmq
  bo_start_redis >/dev/null
  bo_start_postgres >/dev/null
  bo_wait_rabbitmq >/dev/null
fi

dotnet build scripts/bench/BridgeBench -c Release -v q -nologo >/dev/null
dotnet scripts/bench/BridgeBench/bin/Release/net10.0/BridgeBench.dll "$BEATORLEANS_TEST_RABBITMQ" "$BEATORLEANS_TEST_REDIS" "$BEATORLEANS_TEST_POSTGRES" "$messages" "$conversations" 2>&1 |
  grep -vE '^(warn|info|fail|      )'
