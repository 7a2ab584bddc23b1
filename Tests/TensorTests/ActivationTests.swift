import Foundation
import Testing
import Tensor

@Suite struct ActivationTests {
    @Test func geluTanh() {
        var random = SeededRandom(seed: 30)
        let x = random.tensor([3, 13], -5, 5)
        checkOp("gelu", inputs: [x]) {
            $0[0].map { v in 0.5 * v * (1 + tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v))) }
        } op: { $0[0].gelu() }
    }

    @Test func silu() {
        var random = SeededRandom(seed: 31)
        let x = random.tensor([2, 19], -8, 8)
        checkOp("silu", inputs: [x]) { $0[0].map { $0 / (1 + exp(-$0)) } } op: { $0[0].silu() }
    }

    @Test func softmaxLastAxis() {
        var random = SeededRandom(seed: 32)
        let x = random.tensor([4, 21], -6, 6)
        checkOp("softmax", inputs: [x]) { x in
            var y = x[0]
            for r in 0..<4 {
                let row = Array(y[(r * 21)..<((r + 1) * 21)])
                let m = row.max()!, total = row.map { exp($0 - m) }.reduce(0, +)
                for i in 0..<21 { y[r * 21 + i] = exp(row[i] - m) / total }
            }
            return y
        } op: { $0[0].softmax() }
    }

    /// Softmax and attention shift each score row by its maximum, found four vectors at a time with vector and
    /// scalar tails. A maximum (150) missed in any lane of any of those parts would show in attention's log-sum-exp:
    /// exp saturates at e^88.7, so the shift must be right for the result to be.
    @Test func rowMaximumIsFoundAnywhere() {
        var random = SeededRandom(seed: 33)
        for width in [1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 65, 100] {
            for position in Set([0, width / 3, width / 2, width - 1, (width / 32) * 32 - 1].filter { $0 >= 0 }) {
                var row = random.tensor([1, width], -3, 3).scalars
                row[position] = 150
                let logSumExp = 150 + log(row.reduce(0.0) { $0 + exp(Double($1) - 150) })
                let keys = Tensor(shape: [1, width, 1], scalars: row)
                let (_, lse) = Attention.forward(q: Tensor(shape: [1, 1, 1], scalars: [1]), k: keys, v: keys, scale: 1)
                #expect(abs(Double(lse.scalars[0]) - logSumExp) < 1e-4, "width \(width), maximum at \(position)")
                let y = Softmax.forward(Tensor(shape: [1, width], scalars: row)).scalars
                #expect(abs(Double(y[position]) - exp(150 - logSumExp)) < 1e-6, "width \(width), maximum at \(position)")
            }
        }
    }

    /// The vector exp and tanh replace libm in softmax, GELU and SiLU: relative error of exp ≤ 3e-7 over the range
    /// softmax uses, absolute error of tanh ≤ 5e-7; log (windowed attention's log-sum-exp) within 3e-7.
    @Test func vectorMathAccuracy() {
        let worstExp = Self.worstExpError(VectorMath.exp)
        var worstTanh = 0.0
        for i in 0...20_000 {
            let t = -10 + Double(i) * (20.0 / 20_000)
            worstTanh = max(worstTanh, abs(Double(VectorMath.tanh(Float(t))) - tanh(Double(Float(t)))))
        }
        #expect(worstExp <= 3e-7, "exp relative error \(worstExp)")
        #expect(worstTanh <= 5e-7, "tanh absolute error \(worstTanh)")
        #expect(VectorMath.exp(-200) < 1e-37 && VectorMath.exp(-Float.infinity) < 1e-37)
        #expect(Self.worstLogError(VectorMath.log) <= 3e-7)
    }

    /// The worst relative error of an exponential over [-87, 88], the range softmax uses.
    static func worstExpError(_ exp: (Float) -> Float) -> Double {
        var worst = 0.0
        for i in 0...20_000 {
            let x = Float(-87 + Double(i) * (175.0 / 20_000))
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(exp(x)) - exact) / exact)
        }
        return worst
    }

    /// The worst error of a logarithm over positive normal floats, relative to max(1, |ln x|) (near x = 1, where ln x
    /// vanishes, an absolute error): log-spaced over the whole range and evenly over [1, 64], softmax's sums.
    static func worstLogError(_ log: (Float) -> Float) -> Double {
        var worst = 0.0
        for i in 0...20_000 {
            for x in [Float(exp(-87 + Double(i) * (175.0 / 20_000))), Float(1 + Double(i) * (63.0 / 20_000))] {
                let exact = Foundation.log(Double(x))
                worst = max(worst, abs(Double(log(x)) - exact) / max(1, abs(exact)))
            }
        }
        return worst
    }
}
