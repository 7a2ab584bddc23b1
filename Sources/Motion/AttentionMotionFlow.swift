import Tensor

/// An attention motion flow: for every frame pair (i, j) and every token p of frame i, where p's content went in
/// frame j, as a displacement in tokens (Δrow, Δcolumn): [P, N_f, 2].
public struct AttentionMotionFlow {
    public let pairs: FramePairs
    public let displacement: Variable

    public init(pairs: FramePairs, displacement: Variable) {
        precondition(displacement.value.rank == 3 && displacement.shape[0] == pairs.count && displacement.shape[2] == 2,
                     "displacement \(displacement.shape) for \(pairs.count) pairs")
        self.pairs = pairs
        self.displacement = displacement
    }
}

/// Global AMF (DiTFlow): each query attends to every key of the other frame. Cost O(P · N_f² · d).
public enum GlobalAMF {
    /// Soft-argmax displacement: Σ_q A_ij(p, q)·pos(q) − pos(p), i.e. attention with the key positions as values.
    public static func soft(_ features: MotionFeatures, pairs: FramePairs) -> AttentionMotionFlow {
        let q = features.frames(features.queries, pairs.pairs.map(\.query))  // [P, N_f, d']
        let k = features.frames(features.keys, pairs.pairs.map(\.key))
        let positions = features.grid.positions
        let values = Variable(positions.reshaped([1, positions.shape[0], 2]).broadcast(to: [pairs.count, positions.shape[0], 2]).contiguous())
        let expected = Variable.attention(q: q, k: k, v: values, scale: features.scale)  // [P, N_f, 2]
        return AttentionMotionFlow(pairs: pairs, displacement: expected - Variable(positions))
    }

    /// Argmax displacement, for a reference flow (DiTFlow's `argmax_motion_flow`): the best-matching key's position
    /// minus the query's own. A constant: no gradient flows through an argmax.
    public static func argmax(_ features: MotionFeatures, pairs: FramePairs) -> Tensor {
        let grid = features.grid, n = grid.tokensPerFrame
        let queries = features.queries.value, keys = features.keys.value
        var out = [Float](repeating: 0, count: pairs.count * n * 2)
        for (index, pair) in pairs.pairs.enumerated() {
            let qi = queries.sliced(axis: 0, pair.query..<(pair.query + 1)).reshaped([n, -1])
            let kj = keys.sliced(axis: 0, pair.key..<(pair.key + 1)).reshaped([n, -1])
            let scores = MatMul.forward(qi, kj, transposeB: true).scalars  // [N_f, N_f]
            for p in 0..<n {
                var best = 0
                for q in 1..<n where scores[p * n + q] > scores[p * n + best] { best = q }
                out[(index * n + p) * 2] = Float(best / grid.width - p / grid.width)
                out[(index * n + p) * 2 + 1] = Float(best % grid.width - p % grid.width)
            }
        }
        return Tensor(shape: [pairs.count, n, 2], scalars: out)
    }
}
