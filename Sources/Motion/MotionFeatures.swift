import Tensor

/// The latent token grid motion is read on: `frames` latent frames of `height × width` tokens, tokens frame-major
/// then row-major (the DiT's order).
public struct TokenGrid: Equatable, Sendable {
    public let frames: Int, height: Int, width: Int

    public init(frames: Int, height: Int, width: Int) {
        self.frames = frames
        self.height = height
        self.width = width
    }

    public var tokensPerFrame: Int { height * width }

    /// (row, column) of every token of a frame, in token units: [N_f, 2]. Attention with these as values gives the
    /// soft-argmax position directly.
    public var positions: Tensor {
        var values = [Float](repeating: 0, count: 2 * tokensPerFrame)
        for y in 0..<height {
            for x in 0..<width {
                values[2 * (y * width + x)] = Float(y)
                values[2 * (y * width + x) + 1] = Float(x)
            }
        }
        return Tensor(shape: [tokensPerFrame, 2], scalars: values)
    }
}

/// How the heads of a block's attention become the one attention map motion is read from.
public enum HeadReduction: String, Codable, Sendable {
    /// Per-head logits averaged, then one softmax (DiTFlow's motion_flow_utils). Equal to one attention over the
    /// heads' concatenated channels with the scale divided by the number of heads.
    case averageLogits = "average-logits"
    /// Q and K averaged over heads before the product (what FastVMT's comments and reshape code describe; its
    /// released code averages groups of neighbouring tokens instead, a bug not reproduced here).
    case averageQueriesAndKeys = "average-queries-and-keys"
}

/// Per-frame queries and keys of one block, reduced over heads, with the logit scale that goes with them:
/// A_ij = softmax(scale · Q_i K_jᵀ).
public struct MotionFeatures {
    public let queries: Variable  // [F, N_f, d']
    public let keys: Variable     // [F, N_f, d']
    public let scale: Float
    public let grid: TokenGrid

    public init(queries: Variable, keys: Variable, scale: Float, grid: TokenGrid) {
        precondition(queries.shape == keys.shape && queries.value.rank == 3, "queries \(queries.shape), keys \(keys.shape)")
        precondition(queries.shape[0] == grid.frames && queries.shape[1] == grid.tokensPerFrame,
                     "features \(queries.shape) for a \(grid.frames)×\(grid.height)×\(grid.width) grid")
        self.queries = queries
        self.keys = keys
        self.scale = scale
        self.grid = grid
    }

    /// From a block's per-head Q and K [H, N, d]; `temperature` multiplies the logits (τ of DESIGN.md: FastVMT uses
    /// 1, DiTFlow 2) on top of the usual 1/√d.
    public init(queries: Variable, keys: Variable, grid: TokenGrid, reduction: HeadReduction, temperature: Float) {
        let heads = queries.shape[0], n = queries.shape[1], d = queries.shape[2]
        precondition(n == grid.frames * grid.tokensPerFrame, "\(n) tokens for grid \(grid)")
        let base = temperature / Float(d).squareRoot()
        func reduce(_ t: Variable) -> Variable {
            switch reduction {
            case .averageLogits:
                // [H, N, d] → [N, H·d]: the sum over heads of per-head dot products is one dot over all channels.
                return t.permuted([1, 0, 2]).contiguous().reshaped([grid.frames, grid.tokensPerFrame, heads * d])
            case .averageQueriesAndKeys:
                return (t.sum(axes: [0]) * (1 / Float(heads))).reshaped([grid.frames, grid.tokensPerFrame, d])
            }
        }
        self.init(queries: reduce(queries), keys: reduce(keys),
                  scale: reduction == .averageLogits ? base / Float(heads) : base, grid: grid)
    }

    /// The features of frames `indices`, stacked: [P, N_f, d'].
    func frames(_ source: Variable, _ indices: [Int]) -> Variable {
        Variable.concatenate(indices.map { source.sliced(axis: 0, $0..<($0 + 1)) }, axis: 0)
    }
}
