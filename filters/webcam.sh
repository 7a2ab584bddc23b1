#!/usr/bin/env bash
# Camera → fastvmt-ff → H.264: a clip that shows PROMPT and moves the way you moved in front of the camera.
# The built-in model works on 16 frames, so 2 s are captured at 8 fps.
#
#   filters/webcam.sh OUT.mp4 "a red circle on a black background" [fastvmt-ff options, e.g. --preset ditflow]
#
# INPUT replaces the capture's ffmpeg input options (default: the first V4L2 camera), e.g. on macOS
# INPUT="-f avfoundation -framerate 30 -i 0", or with no camera INPUT="-f lavfi -i testsrc2=size=320x240:rate=8".
# FASTVMT_FF names the binary (default: fastvmt-ff on PATH).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 OUT.mp4 PROMPT [fastvmt-ff options]" >&2
    exit 1
fi
out=$1 prompt=$2
shift 2
read -r -a input <<< "${INPUT:--f v4l2 -framerate 8 -i /dev/video0}"

ffmpeg -nostdin -v error "${input[@]}" -t 2 -r 8 -f nut - \
    | "${FASTVMT_FF:-fastvmt-ff}" - --prompt "$prompt" -f nut - "$@" \
    | ffmpeg -nostdin -v error -y -i - -c:v libx264 -pix_fmt yuv420p "$out"
