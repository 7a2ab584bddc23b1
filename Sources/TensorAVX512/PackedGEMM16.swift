/// `Tensor`'s packed SGEMM, 16 lanes wide (a 6 × 32 register tile). Call it only where the processor has
/// AVX-512 (F, VL, BW, DQ): this target is compiled for it.
public enum PackedGEMM16 {
    public static func multiply(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        PackedGEMMKernel.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                                  b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
