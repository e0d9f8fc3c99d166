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
# BENCH_SEED_BEATS: that many listed beats written straight into the PostgreSQL query model first (with "catalog" in
# BENCH_DOMAINS), so a catalogue search reads a real index. PostgreSQL's CPU per request is printed for every path.
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
# shellcheck disable=SC1091
source "$CLUSTER_DIR/servers.env"
pg_conninfo=$(tr ';' '\n' <<<"$BEATORLEANS_TEST_POSTGRES" | awk -F= '
  $1=="Host"{h=$2} $1=="Port"{p=$2} $1=="Username"{u=$2} $1=="Password"{w=$2} $1=="Database"{d=$2}
  END{printf "host=%s port=%s user=%s password=%s dbname=%s", h, p, u, w, d}')
pg_pid=$(head -n 1 "$BO_PG_DATA/postmaster.pid")
if ((${BENCH_SEED_BEATS:-0} > 0)); then
  curl -fs -o /dev/null "$api/api/beats?limit=1" # the catalog silo creates the query model's tables on first use
  "$BO_PG_BIN/psql" -q -v ON_ERROR_STOP=1 -v n="$BENCH_SEED_BEATS" "$pg_conninfo" <<'SQL'
-- Like scripts/bench/catalog.sh: 8 genres, titles and tags from 15 words, 200 producers, six prices, one a minute.
WITH w AS (SELECT '{night,drive,dark,summer,rain,gold,city,dream,fire,ice,moon,wave,soul,street,neon}'::text[] AS a),
beats AS (
  SELECT i, lpad(to_hex(i), 32, '0') AS id, 'p' || (i % 200) AS producer,
    (ARRAY['trap','drill','lofi','house','boom bap','afrobeats','rnb','pop'])[1 + i % 8] AS genre,
    (ARRAY[19.99, 24.99, 29.99, 34.99, 49.99, 99.99])[1 + (i * 7) % 6] AS price,
    70 + (i * 13) % 91 AS bpm, (i * 37) % 5000 AS plays,
    (extract(epoch FROM now()) * 1000)::bigint - (:n - i) * 60000 AS created,
    initcap(a[1 + i % 15] || ' ' || a[1 + (i * 7 + 3) % 15]) AS title,
    ARRAY[a[1 + (i * 3) % 15], a[1 + (i * 5 + 1) % 15], a[1 + (i * 11 + 2) % 15]] AS tags
  FROM generate_series(1, :n) AS i, w)
INSERT INTO catalog_beats (beat_id, version, listed, producer_id, genre, musical_key, bpm, price_cents, plays, created_ms,
  search_text, document)
SELECT id, 1, 1, producer, upper(genre), 'AM', bpm, round(price * 100), plays, created,
  lower(title || ' producer ' || (i % 200) || ' ' || array_to_string(tags, ' ')),
  json_build_object('beatId', id, 'producerId', producer, 'title', title, 'artist', 'Producer ' || (i % 200),
    'genre', genre, 'bpm', bpm, 'key', 'Am', 'tags', tags,
    'licenses', json_build_array(json_build_object('licenseType', 'mp3_lease', 'price', price, 'currency', 'USD')),
    'price', price, 'currency', 'USD', 'durationSeconds', 180, 'plays', plays,
    'createdAt', to_char(to_timestamp(created / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"'))::text
FROM beats ON CONFLICT (beat_id) DO NOTHING;
ANALYZE catalog_beats;
SQL
  echo "$("$BO_PG_BIN/psql" -tA "$pg_conninfo" -c 'SELECT count(*) FROM catalog_beats WHERE listed = 1') listed beats in the query model" >&2
fi
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
# PostgreSQL: the postmaster and the backends that live now; a backend that ended during a run is not counted, and the
# pools keep their connections open, so the figure holds for the steady load measured here.
postgres() { for pid in $pg_pid $(pgrep -P "$pg_pid"); do cpu "$pid" 2>/dev/null || echo 0; done | awk '{s += $1} END{print s + 0}'; }
# measure NAME URL [wrk args...]: a warm-up, then one measured run; sets RPS, API_US and SILO_US
measure() {
  local name=$1 url=$2; shift 2
  taskset -c 1 wrk -t1 -c16 -d"${WARMUP:-15}s" "$@" "$url" >/dev/null
  local a0 s0 o0 p0 a1 s1 o1 p1 requests
  a0=$(cpu "$api_pid") s0=$(cpu "$silo_pid") o0=$(others) p0=$(postgres)
  local report
  report=$(taskset -c 1 wrk -t1 -c16 -d"${duration}s" "$@" "$url")
  requests=$(awk '/requests in/{print $1}' <<<"$report")
  if grep -q "Non-2xx" <<<"$report"; then echo "$name: $(grep "Non-2xx" <<<"$report" | xargs)" >&2; fi
  a1=$(cpu "$api_pid") s1=$(cpu "$silo_pid") o1=$(others) p1=$(postgres)
  RPS=$(awk -v r="$requests" -v d="$duration" 'BEGIN{printf "%.0f", r/d}')
  API_US=$(awk -v r="$requests" -v c=$((a1 - a0)) -v t="$ticks" 'BEGIN{printf "%.1f", c/t*1e6/r}')
  SILO_US=$(awk -v r="$requests" -v c=$((s1 - s0)) -v t="$ticks" 'BEGIN{printf "%.1f", c/t*1e6/r}')
  printf "%-40s %8d requests %7d req/s  API node %6.1f us/request  users silo %6.1f us/request" \
    "$name" "$requests" "$RPS" "$API_US" "$SILO_US"
  if [ -n "$other_pids" ]; then
    awk -v r="$requests" -v c=$((o1 - o0)) -v t="$ticks" 'BEGIN{printf "  other silos %6.1f us/request", c/t*1e6/r}'
  fi
  awk -v r="$requests" -v c=$((p1 - p0)) -v t="$ticks" 'BEGIN{printf "  PostgreSQL %6.1f us/request", c/t*1e6/r}'
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
    measure "GET $path" "$api$path" -s "$CLUSTER_DIR/rotate.lua"
  done
done
