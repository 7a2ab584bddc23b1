#!/usr/bin/env bash
# Dense and windowed attention, and the built-in model's forward, under each GEMM the engine can run on: its own
# PackedGEMM in each instruction set (FASTVMT_SIMD: AVX-512 where the processor has it, and AVX2), OpenBLAS with the
# kernel set it chose for this processor, and OpenBLAS forced to its AVX2 (Haswell) and AVX-512 (SkylakeX) sets. The
# windowed kernel needs no GEMM; the dense one multiplies its tiles through GEMM, so the windowed/dense ratio depends
# on which runs. OPENBLAS_CORETYPE is set here, in this benchmark's own commands only (never in tests or CI).
# Prints markdown for BENCHMARKS.md. Usage: scripts/bench_gemm_kernels.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product fastvmt-bench >&2
bench=.build/release/fastvmt-bench
run() {  # title, then the environment assignments
    local title=$1; shift
    echo "#### $title: \`env $* fastvmt-bench tensor --only attention --only windowed\`, then \`dit --only builtin\`"
    echo
    env "$@" "$bench" tensor --only attention --only windowed | sed -e 's/^### \(.*\)/**\1**/' -e 's/^workers:.*OpenBLAS kernels: /OpenBLAS kernels: /'
    echo
    echo "**The built-in model's forward**"
    echo
    env "$@" "$bench" dit --only builtin
    echo
}
run "PackedGEMM (the engine's own), widest instruction set" FASTVMT_GEMM=packed
run "PackedGEMM (the engine's own), AVX2" FASTVMT_GEMM=packed FASTVMT_SIMD=avx2
run "OpenBLAS, its own choice of kernels" FASTVMT_GEMM=openblas
run "OpenBLAS, AVX2 kernels" FASTVMT_GEMM=openblas OPENBLAS_CORETYPE=Haswell
run "OpenBLAS, AVX-512 kernels" FASTVMT_GEMM=openblas OPENBLAS_CORETYPE=SkylakeX
