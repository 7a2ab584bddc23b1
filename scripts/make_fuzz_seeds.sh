#!/usr/bin/env bash
# The fuzzer's seed corpus (Tests/Fuzz/seeds): one tiny clip per container and codec family the reader meets, made
# from FFmpeg's built-in sources. Run from the repository root; the seeds are committed, so this is only for adding more.
set -euo pipefail
out=Tests/Fuzz/seeds
mkdir -p "$out"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=32x24:rate=8:duration=0.5" "$@"; }
ff -c:v libx264 -pix_fmt yuv420p "$out/h264.mp4"
ff -f lavfi -i "sine=duration=0.5:sample_rate=8000" -c:v libx264 -c:a aac -b:a 8k -shortest "$out/h264-aac.mkv"
ff -c:v libx264 -movflags +frag_keyframe+empty_moov "$out/fragmented.mp4"
ff -c:v libx264 -metadata:s:v rotate=90 "$out/rotated.mov"
ff -c:v libvpx-vp9 "$out/vp9.webm"
ff -c:v mpeg4 "$out/mpeg4.avi"
ff -c:v mpeg2video "$out/mpeg2.ts"
ff -c:v ffv1 "$out/ffv1.nut"
ff -c:v mjpeg -pix_fmt yuvj444p "$out/mjpeg.mov"
ff -c:v libx264 -pix_fmt yuv420p10le "$out/h264-10bit.mkv"
ff "$out/anim.gif"
ff -frames:v 1 "$out/still.png"
ff -pix_fmt yuv420p "$out/raw.y4m"
