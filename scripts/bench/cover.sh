#!/usr/bin/env bash
# Cover art (Release, embedded profile: one process, SQLite, local disk blobs): how long PUT /api/beats/{id}/cover
# takes for pictures of rising size, as a producer sees it (upload, ffprobe, one FFmpeg decode into two JPEGs, the
# beat's write), and how long a cover file takes to serve. Prints median and slowest of each, and each size's median
# against the smallest's.
# Usage: scripts/bench/cover.sh [puts-per-size]
set -euo pipefail
[[ -n ${BENCH_TRACE:-} ]] && set -x
cd "$(dirname "$0")/../.."
root=$PWD
count=${1:-10}
dll=$root/api/BeatOrleans.Api/bin/Release/net10.0/BeatOrleans.Api.dll
[[ -f $dll ]] || dotnet build api/BeatOrleans.Api -c Release -v quiet -nologo >/dev/null
work=$(mktemp -d)
port=${BENCH_PORT:-18560}
base=http://127.0.0.1:$port
(cd "$work" && exec dotnet "$dll" --urls "$base" --Silo:SiloPort=$((port + 1000)) --Silo:PrimarySiloPort=$((port + 1000)) \
  --Silo:GatewayPort=$((port + 2000)) --RateLimits:UploadsPerUserPerHour=100000 >"$work/api.log" 2>&1) &
api=$!
trap 'kill $api 2>/dev/null; wait $api 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "$base/health/ready" >/dev/null && break; sleep 0.5; done

name=cover$RANDOM$RANDOM
curl -sf -H 'content-type: application/json' -d "{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"Correct-Horse-42!\"}" \
  "$base/api/users/signup" >/dev/null
token=$(curl -sf -H 'content-type: application/json' -d "{\"email\":\"$name@example.com\",\"password\":\"Correct-Horse-42!\"}" \
  "$base/api/users/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
ffmpeg -v error -f lavfi -i sine=frequency=220:duration=4 -ac 2 -y "$work/beat.wav"
beat=$(curl -sf -H "authorization: Bearer $token" -F "file=@$work/beat.wav;type=audio/wav" -F title=Cover \
  "$base/api/beats/upload" | sed -n 's/.*"beat_id":"\([^"]*\)".*/\1/p')

stats() { sort -n | awk '{v[NR]=$1} END {printf "%.1f %.1f\n", v[int((NR+1)/2)]*1000, v[NR]*1000}'; }
base_median=""
printf '%-22s %10s %14s %12s %12s %8s\n' picture bytes "PUT median" slowest "GET median" ratio
for spec in "1000x1000 png" "1600x900 png" "3000x3000 jpg" "6000x4000 jpg" "6320x6320 jpg"; do
  read -r size format <<<"$spec"
  image=$work/picture.$format
  ffmpeg -v error -f lavfi -i "testsrc=size=$size" -frames:v 1 -y "$image"
  type=image/png; [[ $format == jpg ]] && type=image/jpeg
  url=""
  : >"$work/puts"
  for ((i = 0; i < count; i++)); do
    curl -sf -o "$work/answer" -w '%{time_total}\n' -X PUT -H "authorization: Bearer $token" -H "content-type: $type" \
      --data-binary "@$image" "$base/api/beats/$beat/cover" >>"$work/puts"
    url=$(sed -n 's/.*"cover_thumbnail_url":"\([^"]*\)".*/\1/p' "$work/answer")
  done
  : >"$work/gets"
  for ((i = 0; i < count; i++)); do curl -sf -o /dev/null -w '%{time_total}\n' "$url" >>"$work/gets"; done
  read -r put_median put_max < <(stats <"$work/puts")
  read -r get_median _ < <(stats <"$work/gets")
  base_median=${base_median:-$put_median}
  printf '%-22s %10d %11s ms %9s ms %9s ms %7.1fx\n' "$size $format" "$(stat -c %s "$image")" "$put_median" "$put_max" \
    "$get_median" "$(awk -v a="$put_median" -v b="$base_median" 'BEGIN{print a/b}')"
done
