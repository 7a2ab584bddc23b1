internal import TensorAVX512

/// The engine's own SGEMM (`PackedGEMMKernel`), for machines where OpenBLAS does not know the processor and falls
/// back to its SSE3 ("Prescott") kernels: OpenBLAS 0.3.21, as Debian ships it, does so on Emerald Rapids, where the
/// AVX2 kernel measured about 3× its speed. `GEMM` decides which of the two runs.
public enum PackedGEMM {
    /// One single-threaded call, the same contract as `cblas_sgemm` in row-major order.
    public static func multiply(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, isa: VectorISA = .chosen
    ) {
        isa.requireAvailable()
        switch isa {
        case .avx2:
            PackedGEMMKernel.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                      b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .avx512:
            PackedGEMM16.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                  b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }
}
