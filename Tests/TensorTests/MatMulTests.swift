import CBLAS
import Testing
import Tensor

/// Plain triple loop: C[b] = op(A[b]) · op(B[b or shared]).
func referenceMatMul(_ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int], transposeA: Bool, transposeB: Bool) -> [Double] {
    let m = transposeA ? aShape[aShape.count - 1] : aShape[aShape.count - 2]
    let k = transposeA ? aShape[aShape.count - 2] : aShape[aShape.count - 1]
    let n = transposeB ? bShape[bShape.count - 2] : bShape[bShape.count - 1]
    let batch = aShape.dropLast(2).reduce(1, *)
    let shared = bShape.count == 2
    var c = [Double](repeating: 0, count: batch * m * n)
    for p in 0..<batch {
        let aBase = p * m * k, bBase = shared ? 0 : p * k * n
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for t in 0..<k {
                    let av = transposeA ? a[aBase + t * m + i] : a[aBase + i * k + t]
                    let bv = transposeB ? b[bBase + j * k + t] : b[bBase + t * n + j]
                    s += av * bv
                }
                c[p * m * n + i * n + j] = s
            }
        }
    }
    return c
}

@Suite struct MatMulTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedMatMul(transposeA: Bool, transposeB: Bool) {
        var random = SeededRandom(seed: 1)
        let aShape = transposeA ? [2, 5, 3] : [2, 3, 5], bShape = transposeB ? [2, 4, 5] : [2, 5, 4]
        checkOp("matmul tA=\(transposeA) tB=\(transposeB)", inputs: [random.tensor(aShape), random.tensor(bShape)]) { x in
            referenceMatMul(x[0], aShape, x[1], bShape, transposeA: transposeA, transposeB: transposeB)
        } op: { v in
            Variable.matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB)
        }
    }

    @Test(arguments: [false, true])
    func sharedRightMatrix(transposeB: Bool) {
        var random = SeededRandom(seed: 2)
        let aShape = [2, 3, 6], bShape = transposeB ? [4, 6] : [6, 4]
        checkOp("matmul shared B", inputs: [random.tensor(aShape), random.tensor(bShape)]) { x in
            referenceMatMul(x[0], aShape, x[1], bShape, transposeA: false, transposeB: transposeB)
        } op: { v in
            Variable.matmul(v[0], v[1], transposeB: transposeB)
        }
    }

    @Test func linearWithAndWithoutBias() {
        var random = SeededRandom(seed: 3)
        let x = random.tensor([2, 3, 5]), w = random.tensor([4, 5]), b = random.tensor([4])
        func reference(_ x: [Double], _ w: [Double], _ b: [Double]?) -> [Double] {
            var y = referenceMatMul(x, [6, 5], w, [4, 5], transposeA: false, transposeB: true)
            if let b { for i in 0..<y.count { y[i] += b[i % 4] } }
            return y
        }
        checkOp("linear+bias", inputs: [x, w, b]) { reference($0[0], $0[1], $0[2]) } op: {
            Variable.linear($0[0], weight: $0[1], bias: $0[2])
        }
        checkOp("linear", inputs: [x, w]) { reference($0[0], $0[1], nil) } op: {
            Variable.linear($0[0], weight: $0[1], bias: nil)
        }
    }

    /// Products above GEMM's threshold are split across workers; the split must not change the result.
    @Test func threadedProductMatchesReference() {
        var random = SeededRandom(seed: 4)
        let a = random.tensor([300, 80]), b = random.tensor([80, 70])
        let expected = referenceMatMul(a.scalars.map(Double.init), [300, 80], b.scalars.map(Double.init), [80, 70],
                                       transposeA: false, transposeB: false)
        let tall = MatMul.forward(a, b)
        #expect(scaledError(tall.scalars, expected) < 1e-5)
        let wideExpected = referenceMatMul(b.scalars.map(Double.init), [80, 70], a.scalars.map(Double.init), [300, 80],
                                           transposeA: true, transposeB: true)
        let wide = MatMul.forward(b, a, transposeA: true, transposeB: true)
        #expect(scaledError(wide.scalars, wideExpected) < 1e-5)
    }

    /// Products of `GEMM.sharedPackingThreshold` multiply-adds and more run on OpenBLAS's own threads, which must
    /// give the same result and leave OpenBLAS single-threaded for the calls the engine's workers make. The full
    /// reference would be 2²⁸ multiply-adds, so 200 entries are checked. Serialized: while one case holds OpenBLAS at
    /// two threads, the other would see it so.
    @Test(.serialized, arguments: [(false, false), (true, true)])
    func sharedPackingProductMatchesReference(transposeA: Bool, transposeB: Bool) {
        let m = 1024, n = 512, k = 512
        #expect(m * n * k >= GEMM.sharedPackingThreshold)
        var random = SeededRandom(seed: 5)
        let a = random.tensor(transposeA ? [k, m] : [m, k]), b = random.tensor(transposeB ? [n, k] : [k, n])
        let c = MatMul.forward(a, b, transposeA: transposeA, transposeB: transposeB).scalars
        let av = a.scalars, bv = b.scalars
        var worst = 0.0
        for probe in 0..<200 {
            let i = (probe * 389) % m, j = (probe * 157 + probe / 7) % n
            var s = 0.0, magnitude = 0.0
            for t in 0..<k {
                let x = Double(transposeA ? av[t * m + i] : av[i * k + t]), y = Double(transposeB ? bv[j * k + t] : bv[t * n + j])
                s += x * y
                magnitude += abs(x * y)
            }
            worst = max(worst, abs(Double(c[i * n + j]) - s) / magnitude)
        }
        #expect(worst < 1e-6)
        #expect(openblas_get_num_threads() == 1)
    }
}
