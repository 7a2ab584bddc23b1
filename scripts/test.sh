#!/usr/bin/env bash
# The whole test suite: LeakSanitizer over 500 decoded and re-encoded frames, a minute of fuzzing, then every Swift
# test (which also replays the fuzz corpus and runs the reliability corpus of scripts/make_corpus.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== LeakSanitizer: decode + encode 500 frames (AddressSanitizer build in .build-asan)"
swift build --sanitize=address --scratch-path .build-asan --product fastvmt-bench
ASAN_OPTIONS=detect_leaks=1 .build-asan/debug/fastvmt-bench memory \
    --input samples/testsrc2_audio.mp4 --frames 500 --output "$tmp/out.mp4"

echo "== libFuzzer: 60 s over demux + decode + convert (AddressSanitizer build in .build-fuzz)"
scripts/fuzz.sh 60

echo "== swift test"
swift test
