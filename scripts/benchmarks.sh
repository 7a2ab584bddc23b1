#!/usr/bin/env bash
# Regenerates BENCHMARKS.md from fastvmt-bench's own output: every section's table (with the command that produced
# it and the date) goes between its markers in docs/benchmarks/BENCHMARKS.template.md, which holds all the prose.
#
#   scripts/benchmarks.sh                         # every section (a long run: stop other work on the machine first)
#   scripts/benchmarks.sh transfer sweep scaling  # only these; the other sections of BENCHMARKS.md stay as they are
#
# Sections: io tensor gemm-kernels dit dit-memory motion transfer sweep scaling long-input evaluate.
# Environment: SCRATCH (SwiftPM scratch path, default .build), OUT (file to write, default BENCHMARKS.md),
# PLOTS (folder for the PNG and JSON files, default docs/benchmarks, where BENCHMARKS.md links them), QUICK=1 (pass
# --quick where a section has it: a check that the script works, not figures to publish).
set -euo pipefail
cd "$(dirname "$0")/.."

all=(io tensor gemm-kernels dit dit-memory motion transfer sweep scaling long-input evaluate)
template=docs/benchmarks/BENCHMARKS.template.md
scratch=${SCRATCH:-.build}
out=${OUT:-BENCHMARKS.md}
plots=${PLOTS:-docs/benchmarks}

# The fastvmt-bench arguments of a section.
arguments() {
    case $1 in
        io | tensor | dit | dit-memory | motion) echo "$1" ;;
        transfer) echo "transfer --json $plots/transfer.json" ;;
        sweep) echo "sweep --plot $plots/sweep.png --json $plots/sweep.json" ;;
        scaling) echo "scaling --plot-tokens $plots/scaling-tokens.png --plot-frames $plots/scaling-frames.png --json $plots/scaling.json" ;;
        evaluate) echo "evaluate --count 20 --contact-sheet $plots/contact-sheet.png" ;;
        long-input) echo "(scripts/bench_long_input.sh)" ;;
        gemm-kernels) echo "(scripts/bench_gemm_kernels.sh)" ;;
        *) echo "unknown section $1 (sections: ${all[*]})" >&2; return 1 ;;
    esac
}

sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=("${all[@]}")
for s in "${sections[@]}"; do arguments "$s" >/dev/null; done

# A partial run updates the existing file; a full one, or a file without markers yet, starts from the template.
if [ $# -eq 0 ] || [ ! -f "$out" ] || ! grep -q '^<!-- generated: ' "$out"; then
    [ $# -eq 0 ] || echo "$out has no generated sections yet: starting from $template" >&2
    work=$(cat "$template")
else
    work=$(cat "$out")
fi
for s in "${sections[@]}"; do
    grep -qxF "<!-- generated: $s -->" <<<"$work" || { echo "$out has no section $s; run scripts/benchmarks.sh with no arguments" >&2; exit 1; }
done

swift build -c release --scratch-path "$scratch" --product fastvmt-bench
bench="$scratch/release/fastvmt-bench"
mkdir -p "$plots"
quick=()
[ "${QUICK:-}" != 1 ] || quick=(--quick)

generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
for s in "${sections[@]}"; do
    read -ra args <<<"$(arguments "$s")"
    case $s in tensor | transfer | sweep | scaling) extra=("${quick[@]}") ;; *) extra=() ;; esac
    # A section whose arguments are "(script)" runs that script (long-input measures the fastvmt-ff binary from
    # outside, gemm-kernels runs the bench under several environments).
    if [[ ${args[0]} == "("* ]]; then command=${args[0]#(}; command=${command%)}; run=("$command")
    else command="swift build -c release && .build/release/fastvmt-bench ${args[*]}"; run=("$bench" "${args[@]}" "${extra[@]}"); fi
    echo "== $s: ${run[*]}" >&2
    {
        echo '```'
        echo "$command"
        echo '```'
        echo
        echo "Run on $(date +%Y-%m-%d)${extra:+ (--quick: a check of the script, not figures)}:"
        echo
        "${run[@]}"
    } >"$generated"
    work=$(awk -v begin="<!-- generated: $s -->" -v end="<!-- end: $s -->" -v file="$generated" '
        $0 == begin { print; while ((getline line < file) > 0) print line; close(file); skipping = 1; next }
        $0 == end { skipping = 0 }
        !skipping { print }' <<<"$work")
    # Written after every section, so a long run that stops keeps what it finished.
    printf '%s\n' "$work" >"$out"
done
echo "wrote $out (${sections[*]})" >&2
