#!/usr/bin/env bash
# libFuzzer over VideoIO's demux + decode + convert path (Sources/fastvmt-fuzz), with AddressSanitizer and leak checks,
# for SECONDS (default 60). Starts from Tests/Fuzz/seeds; an input that crashes, leaks or hangs is written to
# Tests/Fuzz/crashes/ (kept in git once fixed: the normal test suite replays that folder). Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

# lld: gold fails on the DWARF of the instrumented objects. FUZZING swaps the replay main for libFuzzer's driver.
swift build --product fastvmt-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld 2>&1 | grep -v "Cannot export local symbol" || true
fuzzer=.build-fuzz/debug/fastvmt-fuzz
test -x "$fuzzer"

# What the fuzzer learns along the way is scratch; only the seeds and the findings are kept.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shopt -s nullglob
crashes=(Tests/Fuzz/crashes/crash-* Tests/Fuzz/crashes/leak-* Tests/Fuzz/crashes/timeout-* Tests/Fuzz/crashes/oom-*)
if (( ${#crashes[@]} )); then
    echo "== replaying ${#crashes[@]} kept findings"
    "$fuzzer" -runs=1 "${crashes[@]}"
fi
echo "== fuzzing for $seconds s"
ASAN_OPTIONS=detect_leaks=1 "$fuzzer" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix=Tests/Fuzz/crashes/ "$work" Tests/Fuzz/seeds 2>&1 \
    | grep -v -e "^#[0-9]*.*\(NEW\|REDUCE\|pulse\)" -e "# Uses: "
