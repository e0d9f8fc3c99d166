#!/usr/bin/env bash
# A burst of signups beyond a users silo's hashing queue, in the cluster profile (scripts/cluster.sh: Redis,
# PostgreSQL, one users silo, one API node). The silo hashes with one slot and 1.5 million PBKDF2 iterations (~0.7 s a
# hash here), so N signups sent at once queue for seconds. Prints how the burst was answered, then sends every signup
# that was not created again, as a client would, and prints that answer: a signup refused must have changed nothing,
# so sending it again creates the account (201), never "taken" (409).
# Usage: scripts/bench/signup-burst.sh [signups]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-10}

export CLUSTER_DIR CLUSTER_BASE_PORT=${BENCH_BASE_PORT:-18400} CLUSTER_DOMAINS=users CLUSTER_API_NODES=1 CLUSTER_RATE_LIMIT=100000
export Users__Passwords__Iterations=1500000 Users__Passwords__MaxConcurrency=1
CLUSTER_DIR=$(mktemp -d)
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"' EXIT
scripts/cluster.sh up >/dev/null
api=$(scripts/cluster.sh status | awk '$1=="api-1"{print $3}')
api=${api%/}
out=$CLUSTER_DIR/burst
mkdir -p "$out"

signup() { # NAME FILE: writes "status seconds retry-after" and the body
  curl -s -o "$2.body" -D "$2.headers" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"email\":\"$1@example.com\",\"password\":\"Correct-Horse-42!\"}" "$api/api/users/signup" >"$2"
}
title() { sed -n 's/.*"title":"\([^"]*\)".*/\1/p' "$1.body"; }
retry_after() { awk 'tolower($1)=="retry-after:"{print $2}' "$1.headers" | tr -d '\r'; }

names=()
for ((i = 0; i < count; i++)); do names+=("burst$(date +%s%N | tail -c 9)$i"); done
for name in "${names[@]}"; do signup "$name" "$out/$name" & done
wait
echo "$count signups sent at once:"
awk '{print $1}' "$out"/burst*[0-9] | sort | uniq -c | sed 's/^ */  /; s/ \([0-9]*\)$/ answered \1/'
echo "  slowest answer: $(awk '{print $2}' "$out"/burst*[0-9] | sort -n | tail -1) s"
for name in "${names[@]}"; do
  read -r status seconds <"$out/$name" || true
  [[ $status == 201 ]] && continue
  signup "$name" "$out/$name.again"
  read -r again _ <"$out/$name.again" || true
  echo "  $name: $status after $seconds s (\"$(title "$out/$name")\", Retry-After $(retry_after "$out/$name")); sent again: $again $(title "$out/$name.again")"
done
