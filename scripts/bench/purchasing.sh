#!/usr/bin/env bash
# Purchasing benchmark on the embedded profile (Release build, one process, SQLite, simulated gateway):
#   - completed purchases per second (non-exclusive: create + confirm with pm_card_visa) with C buyers at once
#   - create->confirm latency p50/p95/p99, and its ratio to a plain beat read at the same concurrency
# Usage: scripts/bench/purchasing.sh [purchases] [concurrent buyers]
# Needs ffmpeg (apt-get install -y ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/../.."
purchases=${1:-1000}
concurrency=${2:-8}
port=${BENCH_PORT:-15983}
base="http://127.0.0.1:$port"
work=$(mktemp -d)
api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release api/BeatOrleans.Api -v q -nologo >/dev/null
dotnet build -c Release scripts/bench/PurchaseBench -v q -nologo >/dev/null
(cd "$work" && exec dotnet "$OLDPWD/api/BeatOrleans.Api/bin/Release/net10.0/BeatOrleans.Api.dll" \
  --urls "$base" --ConnectionStrings:Sqlite="Data Source=$work/bench.db" --Blobs:LocalRoot="$work/blobs" \
  --Auth:Jwt:SigningKeyFile="$work/jwt.key" --RateLimits:CredentialsPerClientPerMinute=100000 \
  --Silo:SiloPort=15913 --Silo:PrimarySiloPort=15913 --Silo:GatewayPort=15932 \
  --Logging:LogLevel:Default=Warning >"$work/api.log" 2>&1) &
api_pid=$!
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fs "$base/health/ready" >/dev/null || { echo "API did not get ready"; tail -20 "$work/api.log"; exit 1; }

ffmpeg -v error -f lavfi -i sine=frequency=330:duration=3 -ac 2 -y "$work/beat.wav"
dotnet scripts/bench/PurchaseBench/bin/Release/net10.0/PurchaseBench.dll "$base" "$work/beat.wav" "$purchases" "$concurrency"
