import Foundation
import Testing
import Tensor

/// softmax(scale · q kᵀ) v per batch entry, with an optional mask of allowed (query, key) pairs.
func referenceAttention(
    _ q: [Double], _ k: [Double], _ v: [Double], batch: Int, nq: Int, nk: Int, d: Int, dv: Int, scale: Double,
    allowed: ((Int, Int, Int) -> Bool)? = nil
) -> [Double] {
    var out = [Double](repeating: 0, count: batch * nq * dv)
    for b in 0..<batch {
        for i in 0..<nq {
            var scores = [Double](repeating: -.infinity, count: nk)
            for j in 0..<nk where allowed?(b, i, j) ?? true {
                var s = 0.0
                for t in 0..<d { s += q[(b * nq + i) * d + t] * k[(b * nk + j) * d + t] }
                scores[j] = s * scale
            }
            let m = scores.max()!
            let weights = scores.map { exp($0 - m) }
            let total = weights.reduce(0, +)
            for j in 0..<nk { for t in 0..<dv { out[(b * nq + i) * dv + t] += weights[j] / total * v[(b * nk + j) * dv + t] } }
        }
    }
    return out
}

@Suite struct AttentionTests {
    @Test func smallAgainstFiniteDifferences() {
        var random = SeededRandom(seed: 50)
        let q = random.tensor([2, 5, 4], -2, 2), k = random.tensor([2, 7, 4], -2, 2), v = random.tensor([2, 7, 3])
        checkOp("attention", inputs: [q, k, v]) {
            referenceAttention($0[0], $0[1], $0[2], batch: 2, nq: 5, nk: 7, d: 4, dv: 3, scale: 0.5)
        } op: { Variable.attention(q: $0[0], k: $0[1], v: $0[2], scale: 0.5) }
    }

    /// Sizes that cross the query (64) and key (256) block boundaries, against the same attention built from
    /// matmul + softmax + matmul ops (each verified on its own against finite differences).
    @Test func blockedMatchesComposedAttention() {
        var random = SeededRandom(seed: 51)
        let (batch, nq, nk, d) = (3, 150, 600, 16)
        let q = random.tensor([batch, nq, d], -1, 1), k = random.tensor([batch, nk, d], -1, 1), v = random.tensor([batch, nk, d])
        let upstream = random.tensor([batch, nq, d])
        let scale: Float = 1 / Float(d).squareRoot()

        let fused = Tape()
        let fq = fused.variable(q), fk = fused.variable(k), fv = fused.variable(v)
        let fusedOut = Variable.attention(q: fq, k: fk, v: fv, scale: scale)
        let fusedGrads = fused.gradient(of: fusedOut, wrt: [fq, fk, fv], seed: upstream)

        let composed = Tape()
        let cq = composed.variable(q), ck = composed.variable(k), cv = composed.variable(v)
        let probabilities = (Variable.matmul(cq, ck, transposeB: true) * scale).softmax()
        let composedOut = Variable.matmul(probabilities, cv)
        let composedGrads = composed.gradient(of: composedOut, wrt: [cq, ck, cv], seed: upstream)

        #expect(scaledError(fusedOut.value.scalars, composedOut.value.scalars.map(Double.init)) < 1e-5)
        for (name, a, b) in zip3(["dq", "dk", "dv"], fusedGrads, composedGrads) {
            let error = scaledError(a.scalars, b.scalars.map(Double.init))
            #expect(error < 1e-5, "\(name) error \(error)")
        }
    }
}

func zip3<A, B, C>(_ a: [A], _ b: [B], _ c: [C]) -> [(A, B, C)] {
    (0..<min(a.count, b.count, c.count)).map { (a[$0], b[$0], c[$0]) }
}
