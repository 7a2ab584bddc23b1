#!/usr/bin/env bash
# The reliability corpus: every awkward input of RELIABILITY.md, made from FFmpeg's built-in sources and a few bytes of
# shell (nothing is downloaded, and every run makes the same files). Usage: scripts/make_corpus.sh DIR
set -euo pipefail
out=${1:?usage: make_corpus.sh DIR}
mkdir -p "$out"
cd "$out"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
# A moving pattern that survives any scaling: FFmpeg's testsrc2 at a given size, rate and length.
src() { echo "testsrc2=size=$1:rate=${3:-24}:duration=$2"; }
# The first N percent of a file's bytes.
cut_at() { head -c $(( $(stat -c %s "$1") * $2 / 100 )) "$1" > "$3"; }

# Not videos at all.
: > empty.mp4
printf 'this is a text file, not a video\n' > text.mp4
ff -f lavfi -i "sine=frequency=440:duration=2" -c:a aac audio-only.m4a
ff -f lavfi -i "$(src 64x48 1)" -frames:v 1 still.png
ff -f lavfi -i "$(src 64x48 1)" -frames:v 1 still.jpg

# Truncated files: MP4 with its index at the end (nothing is playable without it) and at the start (faststart: the
# frames before the cut are), and Matroska, whose clusters stand alone.
ff -f lavfi -i "$(src 160x120 2)" -f lavfi -i "sine=duration=2" -c:v libx264 -g 12 -c:a aac -shortest whole.mp4
ff -i whole.mp4 -c copy -movflags +faststart whole-faststart.mp4
ff -i whole.mp4 -c copy whole.mkv
for p in 10 50 90; do
    cut_at whole.mp4 $p "truncated-$p.mp4"
    cut_at whole-faststart.mp4 $p "truncated-faststart-$p.mp4"
    cut_at whole.mkv $p "truncated-$p.mkv"
done
rm whole.mp4 whole-faststart.mp4 whole.mkv

# Packets damaged in the middle of the stream: the first second is clean, then FFmpeg's noise bitstream filter flips
# bytes of every video packet (its generator is seeded, so the damage is the same on every run).
ff -f lavfi -i "$(src 160x120 2)" -c:v libx264 -g 12 clean.mkv
ff -i clean.mkv -c copy -t 1 head.mkv
ff -ss 1 -i clean.mkv -c copy -bsf:v noise=amount=40 tail.mkv 2>/dev/null
printf "file '%s'\n" head.mkv tail.mkv > parts.txt
ff -f concat -safe 0 -auto_convert 0 -i parts.txt -c copy corrupt-packets.mkv 2>/dev/null
rm clean.mkv head.mkv tail.mkv parts.txt

# Odd geometry: 1x1, very wide and flat, and odd sides in 4:2:0 (which x264 refuses, so FFV1 in Matroska).
ff -f lavfi -i "$(src 64x64 1)" -vf scale=1:1 -c:v ffv1 -pix_fmt yuv444p size-1x1.mkv
ff -f lavfi -i "$(src 640x480 1)" -vf scale=4097:17 -c:v ffv1 -pix_fmt yuv420p size-4097x17.mkv
ff -f lavfi -i "$(src 320x240 1)" -vf scale=321:241 -c:v ffv1 -pix_fmt yuv420p size-321x241-yuv420p.mkv

# Pixel formats beyond 8-bit 4:2:0.
ff -f lavfi -i "$(src 160x120 1)" -c:v libx264 -pix_fmt yuv420p10le 10bit.mkv
ff -f lavfi -i "$(src 160x120 1)" -c:v libx264 -pix_fmt yuv444p yuv444.mp4

# Timing and orientation: irregular frame times (variable frame rate), a phone's 90-degree rotation flag.
# The VFR clip runs at 30 fps for its first second, then at 10 fps.
ff -f lavfi -i "$(src 160x120 2 30)" -vf "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'" -fps_mode vfr -c:v libx264 vfr.mkv
ff -f lavfi -i "$(src 160x120 1)" -c:v libx264 upright.mp4
ff -i upright.mp4 -c copy -metadata:s:v:0 rotate=90 rotated.mp4
rm upright.mp4

# Very short (1-3 frames) and longer than the model's window (40 s).
for n in 1 2 3; do ff -f lavfi -i "$(src 160x120 1)" -frames:v $n -c:v libx264 "frames-$n.mp4"; done
ff -f lavfi -i "$(src 160x120 40 12)" -f lavfi -i "sine=duration=40" -c:v libx264 -c:a aac -shortest long-40s.mp4

# Prompts: a prompts file and a sidecar that are not UTF-8 (Latin-1 bytes), an empty sidecar.
printf 'clip.mp4\tun cercle rouge \xe9l\xe9gant\n' > prompts-latin1.tsv
printf 'a red circle \xff\xfe\n' > latin1.prompt.txt
: > empty.prompt.txt
