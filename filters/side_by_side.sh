#!/usr/bin/env bash
# The source and the generated clip side by side (ffmpeg's hstack), to compare their motion at a glance.
# fastvmt-ff keeps the source's size and frame rate, so the two stack as they are; the result is as long as the
# generated clip (the first 16 frames of IN with the built-in model), with IN's audio.
#
#   filters/side_by_side.sh IN OUT.mp4 "a blue square on a checkered gray background" [fastvmt-ff options]
#
# FASTVMT_FF names the binary (default: fastvmt-ff on PATH). Options that move the span (--start) are not applied
# to the left side.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 IN OUT.mp4 PROMPT [fastvmt-ff options]" >&2
    exit 1
fi
in=$1 out=$2 prompt=$3
shift 3

"${FASTVMT_FF:-fastvmt-ff}" "$in" --prompt "$prompt" -f nut - "$@" \
    | ffmpeg -nostdin -v error -y -i "$in" -i - \
        -filter_complex "[0:v]format=yuv420p[src];[1:v]format=yuv420p[gen];[src][gen]hstack=inputs=2:shortest=1[v]" \
        -map "[v]" -map "0:a?" -shortest -c:v libx264 -pix_fmt yuv420p "$out"
