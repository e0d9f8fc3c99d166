#!/usr/bin/env bash
# What telemetry costs on the hot path. Runs scripts/bench/request-cost.sh (embedded API pinned to one core, wrk on the
# other; CPU microseconds per request of GET /health/live and GET /api/users/profile) alternately with export off (no
# OTEL_EXPORTER_OTLP_ENDPOINT: metrics kept for /metrics, requests get trace ids, nothing recorded) and export on (OTLP
# over HTTP to a local sink that accepts and drops everything: every request, grain call and storage call is a span,
# batched and sent, metrics and logs too), and, given a second repository root, that build as well (e.g. one from
# before telemetry: `git archive <commit> | tar -x -C DIR && dotnet build DIR/api/BeatOrleans.Api -c Release`).
#   scripts/bench/telemetry-cost.sh [seconds] [root of another build] [rounds]
set -euo pipefail
duration=${1:-6}
other=${2:-}
rounds=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v python3 >/dev/null || { echo "python3 is needed (the OTLP sink)" >&2; exit 1; }

sink_port=${BENCH_OTLP_PORT:-15990}
python3 -c '
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
' "$sink_port" &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT

run() { # LABEL ROOT [env...]
  local label=$1 build=$2
  shift 2
  echo "== $label"
  env "$@" "$here/request-cost.sh" "$duration" "$build" | sed 's/^/   /'
}
for ((round = 1; round <= rounds; round++)); do
  [[ -z $other ]] || run "round $round: other build ($other)" "$other"
  run "round $round: export off" "$root"
  run "round $round: export on (OTLP to a local sink)" "$root" OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" \
    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
done
