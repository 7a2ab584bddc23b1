#!/usr/bin/env bash
# The whole Swift test suite under AddressSanitizer (with leak checks) and ThreadSanitizer, each in a build folder of
# its own. Slow (the sanitized kernels run several times slower), so CI runs the cheaper checks of scripts/test.sh and
# this runs before a release. Usage: scripts/sanitize.sh [address|thread]...
set -euo pipefail
cd "$(dirname "$0")/.."
for sanitizer in "${@:-address thread}"; do
    for s in $sanitizer; do
        echo "== swift test --sanitize=$s"
        # halt_on_error: the first report fails the run instead of scrolling past. FASTVMT_SANITIZER turns off the
        # tests that assert on resident memory, which a sanitizer's shadow memory and quarantine inflate.
        FASTVMT_SANITIZER=$s ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
            LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0" \
            TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp" \
            swift test --sanitize="$s" --scratch-path ".build-$s"
    done
done
