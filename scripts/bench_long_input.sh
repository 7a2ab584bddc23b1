#!/usr/bin/env bash
# Peak resident memory of fastvmt-ff against input length: a 10-second and a 10-minute 1080p clip, for a motion
# transfer (which reads only the model's window) and for a re-encode of the whole input (streamed frame by frame).
# Prints a markdown table for BENCHMARKS.md. The clips are generated once into .bench-inputs/ (git-ignored).
# Needs GNU time (/usr/bin/time). Usage: scripts/bench_long_input.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fastvmt-ff >&2
bin=.build/release/fastvmt-ff
mkdir -p .bench-inputs
make_clip() {  # seconds name
    [ -s ".bench-inputs/$2" ] && return
    echo "making $2 ($1 s of 1080p)" >&2
    ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=24:duration=$1" \
        -f lavfi -i "sine=duration=$1" -c:v libx264 -preset ultrafast -crf 30 -c:a aac -shortest -f mp4 ".bench-inputs/$2.part"
    mv ".bench-inputs/$2.part" ".bench-inputs/$2"
}
make_clip 10 1080p-10s.mp4
make_clip 600 1080p-10min.mp4

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
peak() {  # prints "peak MiB<TAB>seconds" of one run
    /usr/bin/time -f "%M %e" -o "$out/time" "$bin" -q -y "$@" >/dev/null
    awk '{ printf "%.0f\t%.1f\n", $1 / 1024, $2 }' "$out/time"
}
echo "| input | frames | job | peak RSS (MiB) | wall (s) |"
echo "|---|---|---|---|---|"
for clip in 1080p-10s.mp4 1080p-10min.mp4; do
    frames=$(ffprobe -v error -select_streams v -show_entries stream=nb_frames -of csv=p=0 ".bench-inputs/$clip")
    IFS=$'\t' read -r mib secs < <(peak ".bench-inputs/$clip" --prompt "a red circle on a gray background" "$out/t.mp4")
    echo "| $clip | $frames | transfer, fast preset, 1080p output | $mib | $secs |"
    IFS=$'\t' read -r mib secs < <(peak ".bench-inputs/$clip" --size 320x180 "$out/r.mp4")
    echo "| $clip | $frames | re-encode of every frame to 320×180 | $mib | $secs |"
done
