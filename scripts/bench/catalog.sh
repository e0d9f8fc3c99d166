#!/usr/bin/env bash
# Catalogue benchmark on the embedded profile (Release build, one process, local blobs, SQLite query model):
#   - upload: MB/s of one multipart upload of a ~200 MB WAV, and the API process's peak RSS (VmHWM) before/after
#   - processing: upload-accepted -> ready, as a ratio to the bare ffmpeg/ffprobe command lines doing the same work
#   - range streaming: wrk with a 1 MiB Range on the stream URL, as a ratio to nginx serving the same file
#   - search: p50/p99 of sequential GET /api/beats queries with 10k beats in the query model
# Usage: scripts/bench/catalog.sh [seconds-per-wrk-run] [minutes-of-audio]
# Needs ffmpeg, wrk, nginx, python3 (apt-get install -y ffmpeg wrk nginx).
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${1:-10}
minutes=${2:-19}
port=${BENCH_PORT:-15981}
nginx_port=${BENCH_NGINX_PORT:-15982}
base="http://127.0.0.1:$port"
for tool in ffmpeg wrk nginx python3; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "$tool is needed: apt-get install -y ffmpeg wrk nginx" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
chmod o+rx "$work"
api_pid="" nginx_started=0
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  ((nginx_started)) && "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
now() { python3 -c 'import time; print(time.time())'; }

dotnet build -c Release api/BeatOrleans.Api -v q -nologo >/dev/null
(cd "$work" && exec dotnet "$OLDPWD/api/BeatOrleans.Api/bin/Release/net10.0/BeatOrleans.Api.dll" \
  --urls "$base" --ConnectionStrings:Sqlite="Data Source=$work/bench.db" --Blobs:LocalRoot="$work/blobs" \
  --Auth:Jwt:SigningKeyFile="$work/jwt.key" --RateLimits:CredentialsPerClientPerMinute=100000 \
  --Silo:SiloPort=15912 --Silo:PrimarySiloPort=15912 --Silo:GatewayPort=15931 \
  --Logging:LogLevel:Default=Warning >"$work/api.log" 2>&1) &
api_pid=$!
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.25; done
curl -fs "$base/health/ready" >/dev/null || { echo "API did not get ready"; tail -20 "$work/api.log"; exit 1; }
api_process=$(pgrep -P "$api_pid" -f BeatOrleans.Api.dll || echo "$api_pid")

json='content-type: application/json'
curl -fs -XPOST "$base/api/users/signup" -H "$json" -d '{"username":"bench_producer","email":"bench@example.com","password":"correct-horse-battery-staple-7"}' >/dev/null
token=$(curl -fs -XPOST "$base/api/users/login" -H "$json" -d '{"email":"bench@example.com","password":"correct-horse-battery-staple-7"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

# --- upload ---------------------------------------------------------------------------------------------------
ffmpeg -v error -f lavfi -i "sine=frequency=220:duration=$((minutes * 60)):sample_rate=44100" -ac 2 -y "$work/master.wav"
bytes=$(stat -c %s "$work/master.wav")
small=$(mktemp -p "$work" --suffix .wav); ffmpeg -v error -f lavfi -i sine=d=1 -y "$small"
curl -fs -o /dev/null -XPOST "$base/api/beats/upload" -H "Authorization: Bearer $token" -F "file=@$small" -F title=warmup
rss_before=$(awk '/VmRSS/{print $2}' "/proc/$api_process/status")
hwm_before=$(awk '/VmHWM/{print $2}' "/proc/$api_process/status")
upload_s=$(curl -fs -o "$work/upload.json" -w '%{time_total}' -XPOST "$base/api/beats/upload" -H "Authorization: Bearer $token" \
  -F "file=@$work/master.wav" -F title=Benchmark -F tags=bench)
accepted=$(now)
hwm_after=$(awk '/VmHWM/{print $2}' "/proc/$api_process/status")
beat=$(sed -E 's/.*"beat_id":"([^"]+)".*/\1/' "$work/upload.json")

# --- processing -----------------------------------------------------------------------------------------------
until curl -fs "$base/api/beats/$beat" | grep -q '"status":"ready"'; do
  curl -fs "$base/api/beats/$beat" | grep -q '"status":"failed"' && { echo "processing failed"; curl -s "$base/api/beats/$beat"; exit 1; }
  sleep 0.1
done
processed=$(now)
tag="$work/tag.wav"
ffmpeg -v error -f lavfi -i "sine=frequency=1760:duration=1.5:sample_rate=44100" -af "afade=t=in:d=0.05,afade=t=out:st=1.4:d=0.1,volume=0.5" -c:a pcm_s16le -y "$tag"
mix="[0:a:0]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=stereo[beat];[1:a:0]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_dur=30,aloop=loop=-1:size=1323000[tag];[beat][tag]amix=inputs=2:duration=first:dropout_transition=0:normalize=0,alimiter=limit=0.97[preview]"
bare_start=$(now)
cp "$work/master.wav" "$work/copy.wav"
ffprobe -v error -f wav -show_format -show_streams -print_format json "$work/copy.wav" >/dev/null
ffmpeg -v error -f wav -i "$work/copy.wav" -f wav -i "$tag" -filter_complex "$mix" -map '[preview]' -c:a libmp3lame -b:a 128k -map_metadata -1 -y "$work/preview.mp3"
ffmpeg -v error -f wav -i "$work/copy.wav" -map 0:a:0 -c:a libmp3lame -b:a 320k -y "$work/untagged.mp3"
ffmpeg -v error -f wav -i "$work/copy.wav" -map 0:a:0 -ac 1 -ar 8000 -f s16le -c:a pcm_s16le -y "$work/peaks.pcm"
bare_end=$(now)

# --- range streaming vs nginx -------------------------------------------------------------------------------------
stream_url=$(curl -fs "$base/api/beats/stream/$beat" | sed -E 's/.*"stream_url":"([^"]+)".*/\1/')
preview_bytes=$(curl -fs -o "$work/served.mp3" -w '%{size_download}' "$stream_url")
mkdir -p "$work/nginx/logs" "$work/www"
cp "$work/served.mp3" "$work/www/preview.mp3"
chmod -R o+rX "$work/www"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  types { audio/mpeg mp3; }
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1
range='Range: bytes=0-1048575'
wrk_stats() { wrk -t2 -c16 -d"${duration}s" -H "$range" "$1" | awk '/Requests\/sec/{r=$2} /Transfer\/sec/{t=$2} END{print r, t}'; }
wrk -t2 -c16 -d3s -H "$range" "$stream_url" >/dev/null
read -r api_rps api_transfer < <(wrk_stats "$stream_url")
wrk -t2 -c16 -d3s -H "$range" "http://127.0.0.1:$nginx_port/preview.mp3" >/dev/null
read -r nginx_rps nginx_transfer < <(wrk_stats "http://127.0.0.1:$nginx_port/preview.mp3")

# --- search at 10k beats ------------------------------------------------------------------------------------------
python3 - "$work/bench.db" <<'PY'
import json, random, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
genres = ["trap", "drill", "lofi", "house", "boom bap", "afrobeats", "rnb", "pop"]
words = ["night", "drive", "dark", "summer", "rain", "gold", "city", "dream", "fire", "ice", "moon", "wave", "soul", "street", "neon"]
rng = random.Random(7)
start = int(time.time() * 1000) - 10_000 * 60_000
with db:
    for i in range(10_000):
        beat_id = f"{i:032x}"
        title = " ".join(rng.sample(words, 2)).title()
        genre = rng.choice(genres)
        price = rng.choice([19.99, 24.99, 29.99, 34.99, 49.99, 99.99])
        tags = rng.sample(words, 3)
        bpm = rng.randint(70, 160)
        created = start + i * 60_000
        plays = rng.randint(0, 5000)
        doc = {"beatId": beat_id, "producerId": f"p{i % 200}", "title": title, "artist": f"Producer {i % 200}", "genre": genre,
               "bpm": bpm, "key": "Am", "tags": tags, "licenses": [{"licenseType": "mp3_lease", "price": price, "currency": "USD"}],
               "price": price, "currency": "USD", "durationSeconds": 180, "plays": plays,
               "createdAt": time.strftime("%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime(created / 1000))}
        db.execute("INSERT INTO catalog_beats (beat_id, version, listed, producer_id, genre, musical_key, bpm, price_cents, plays, created_ms, document)"
                   " VALUES (?, 1, 1, ?, ?, 'AM', ?, ?, ?, ?, ?)",
                   (beat_id, doc["producerId"], genre.upper(), bpm, int(round(price * 100)), plays, created, json.dumps(doc)))
        db.execute("INSERT INTO catalog_text (beat_id, title, artist, tags) VALUES (?, ?, ?, ?)", (beat_id, title.lower(), doc["artist"].lower(), " ".join(tags)))
print("seeded", db.execute("SELECT count(*) FROM catalog_beats WHERE listed = 1").fetchone()[0], "listed beats")
PY
python3 - "$base" >"$work/search.txt" <<'PY'
import sys, time, urllib.request
base = sys.argv[1]
queries = ["", "q=night", "q=dark%20city", "genre=trap&sort=price_asc", "bpm_min=90&bpm_max=110&sort=popular",
           "q=moo&price_max=30", "producer_id=p42", "sort=popular&limit=100"]
for q in queries:  # warm-up
    urllib.request.urlopen(f"{base}/api/beats?{q}").read()
times = []
for i in range(800):
    q = queries[i % len(queries)]
    t = time.perf_counter()
    urllib.request.urlopen(f"{base}/api/beats?{q}").read()
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"{len(times)} {times[len(times) // 2]:.1f} {times[int(len(times) * 0.99)]:.1f}")
PY
read -r searches search_p50 search_p99 <"$work/search.txt"

mb=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}')
echo "upload: ${mb} MB WAV in ${upload_s} s = $(awk -v b="$bytes" -v s="$upload_s" 'BEGIN{printf "%.0f", b/1048576/s}') MB/s (curl -F, one request)"
echo "API RSS: ${rss_before} kB before; peak (VmHWM) ${hwm_before} kB before the upload, ${hwm_after} kB after: +$(((hwm_after - hwm_before) / 1024)) MB"
echo "processing (probe + tagged preview + untagged MP3 320k + peaks): $(awk -v a="$accepted" -v b="$processed" 'BEGIN{printf "%.2f", b-a}') s after the 202"
echo "bare ffprobe + 3 ffmpeg command lines (same work, incl. a copy of the master): $(awk -v a="$bare_start" -v b="$bare_end" 'BEGIN{printf "%.2f", b-a}') s"
awk -v a="$accepted" -v b="$processed" -v c="$bare_start" -v d="$bare_end" 'BEGIN{printf "ratio pipeline/bare: %.2f\n", (b-a)/(d-c)}'
echo "range streaming, 1 MiB ranges of a ${preview_bytes}-byte preview, wrk -t2 -c16 -d${duration}s:"
echo "  API stream URL: $api_rps req/s ($api_transfer/s)"
echo "  nginx:          $nginx_rps req/s ($nginx_transfer/s)"
awk -v a="$api_rps" -v n="$nginx_rps" 'BEGIN{printf "  ratio API/nginx: %.2f\n", a/n}'
echo "search, 10k listed beats, $searches sequential queries (8 shapes): p50 ${search_p50} ms, p99 ${search_p99} ms"
