import Testing
import Tensor

/// The engine's own SGEMM, in every instruction set this processor runs, against a Double triple loop, on shapes
/// that cross every blocking edge of both widths: full and partial 6 × 16 and 6 × 32 tiles, more than one depth
/// block (k > 256 at 8 lanes, > 128 at 16), row block (m > 96) and column block (n > 2048), padded leading
/// dimensions, every transpose, and beta 0 / non-zero. Tolerance: 4·k·ε times Σ|a·b| of the entry, the rounding
/// bound of a float32 dot product of length k, plus 1e-6.
@Suite struct PackedGEMMTests {
    static let shapes = [(1, 1, 1), (7, 17, 3), (6, 16, 256), (12, 64, 130), (13, 33, 300), (100, 50, 520), (5, 2100, 9), (200, 20, 10)]

    @Test(arguments: shapes)
    func matchesReference(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var random = SeededRandom(seed: UInt64(m * 10_007 + n * 101 + k))
        for isa in VectorISA.available {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                for beta: Float in [0, 1.3] {
                    // op(A) is m × k; stored k × m when transposed. Every leading dimension has 3 floats of padding.
                    let aRows = transA ? k : m, aColumns = transA ? m : k, lda = aColumns + 3
                    let bRows = transB ? n : k, bColumns = transB ? k : n, ldb = bColumns + 3
                    let ldc = n + 3
                    let a = (0..<(aRows * lda)).map { _ in random.uniform() }
                    let b = (0..<(bRows * ldb)).map { _ in random.uniform() }
                    // beta 0 must ignore C entirely, NaN included, as BLAS does.
                    var c = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : random.uniform() }
                    let before = c
                    let alpha: Float = 0.7
                    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                        PackedGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: lda,
                                            b: pb.baseAddress!, ldb: ldb, beta: beta, c: pc.baseAddress!, ldc: ldc, isa: isa)
                    } } }
                    var worst = 0.0
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0, magnitude = 0.0
                            for p in 0..<k {
                                let x = Double(transA ? a[p * lda + i] : a[i * lda + p])
                                let y = Double(transB ? b[j * ldb + p] : b[p * ldb + j])
                                sum += x * y
                                magnitude += abs(x * y)
                            }
                            let expected = Double(alpha) * sum + (beta == 0 ? 0 : Double(beta) * Double(before[i * ldc + j]))
                            let bound = 4 * Double(k) * Double(Float.ulpOfOne) * (magnitude + abs(expected)) + 1e-6
                            worst = max(worst, abs(Double(c[i * ldc + j]) - expected) / bound)
                        }
                        // The padding past column n is never written.
                        for j in n..<ldc where !(c[i * ldc + j].isNaN && before[i * ldc + j].isNaN) {
                            #expect(c[i * ldc + j] == before[i * ldc + j], "padding of row \(i) written")
                        }
                    }
                    #expect(worst <= 1, "\(isa) m \(m) n \(n) k \(k) tA \(transA) tB \(transB) beta \(beta): error \(worst) of the bound")
                }
            }
        }
    }

    @Test func packedRunsWhereOpenBLASFellBackToPreAVXKernels() {
        #if arch(x86_64)
        #expect(GEMM.chooseKernel(requested: nil, openBLASCore: "Prescott") == .packed)
        #expect(GEMM.chooseKernel(requested: nil, openBLASCore: "Nehalem") == .packed)
        #endif
        #expect(GEMM.chooseKernel(requested: nil, openBLASCore: "Haswell") == .openBLAS)
        #expect(GEMM.chooseKernel(requested: nil, openBLASCore: "SkylakeX") == .openBLAS)
        #expect(GEMM.chooseKernel(requested: "packed", openBLASCore: "Haswell") == .packed)
        #expect(GEMM.chooseKernel(requested: "openblas", openBLASCore: "Prescott") == .openBLAS)
        // An unknown value is ignored, not an error: the rule decides.
        #expect(GEMM.chooseKernel(requested: "mkl", openBLASCore: "Haswell") == .openBLAS)
    }

    @Test func zeroDepthScalesC() {
        for isa in VectorISA.available {
            var c: [Float] = [1, 2, 3, 4]
            let none: [Float] = [0]
            none.withUnsafeBufferPointer { p in c.withUnsafeMutableBufferPointer { pc in
                PackedGEMM.multiply(transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: p.baseAddress!, lda: 1,
                                    b: p.baseAddress!, ldb: 2, beta: 0.5, c: pc.baseAddress!, ldc: 2, isa: isa)
            } }
            #expect(c == [0.5, 1, 1.5, 2], "\(isa)")
        }
    }
}
