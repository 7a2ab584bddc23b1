import Tensor

/// The losses that pull a generated video's motion towards the source's.
public enum MotionLoss {
    /// L_amf: the pair-weighted mean over pairs and tokens of ‖D_gen − D_ref‖² (FastVMT's loss, averaged over
    /// tokens as well as pairs so its size does not grow with the frame; Adam is indifferent to the scale).
    public static func amf(generated: AttentionMotionFlow, reference: Tensor) -> Variable {
        precondition(generated.displacement.shape == reference.shape, "flows \(generated.displacement.shape) and \(reference.shape)")
        let pairs = generated.pairs.count, tokens = reference.shape[1]
        let squared = (generated.displacement - Variable(reference)).squared().sum(axes: [2])  // [P, N_f]
        let weights = Tensor(shape: [pairs, 1], scalars: generated.pairs.weights.map { $0 / Float(pairs * tokens) })
        return (squared * Variable(weights)).sum()
    }

    /// DiTFlow's loss: mean squared error over the tokens whose reference displacement is non-zero (its
    /// `threshloss`), so the many static tokens do not drown the moving ones.
    public static func maskedMSE(generated: AttentionMotionFlow, reference: Tensor) -> Variable {
        precondition(generated.displacement.shape == reference.shape, "flows \(generated.displacement.shape) and \(reference.shape)")
        let ref = reference.scalars
        var mask = [Float](repeating: 0, count: ref.count / 2)
        for i in mask.indices where ref[2 * i] != 0 || ref[2 * i + 1] != 0 { mask[i] = 1 }
        let moving = mask.reduce(0, +)
        guard moving > 0 else { return (generated.displacement * 0).sum() }
        let weights = Tensor(shape: Array(reference.shape.dropLast()) + [1], scalars: mask.map { $0 / (2 * moving) })
        return ((generated.displacement - Variable(reference)).squared() * Variable(weights)).sum()
    }

    /// L_win, the corresponding-window loss: for each query frame i, the mean key of every tile's window in the
    /// frames j = i+1 … should stay the same from one frame to the next: mean over tiles and consecutive (j, j+1) of
    /// ‖k̄_{j+1} − k̄_j‖₂. The windows are the ones the flow found, so the keys are compared along the motion.
    public static func correspondingWindow(_ features: MotionFeatures, pairs: FramePairs, windows: TileWindows) -> Variable {
        var first: [Int] = [], second: [Int] = []  // pair indices of (i, j) and (i, j + 1), both j > i
        let index = Dictionary(uniqueKeysWithValues: pairs.pairs.enumerated().map { ([$0.element.query, $0.element.key], $0.offset) })
        for (p, pair) in pairs.pairs.enumerated() where pair.key > pair.query {
            if let next = index[[pair.query, pair.key + 1]] {
                first.append(p)
                second.append(next)
            }
        }
        guard !first.isEmpty else { return (features.keys * 0).sum() }
        func meanKeys(_ chosen: [Int]) -> Variable {  // [C, T, d']
            let keys = features.frames(features.keys, chosen.map { pairs.pairs[$0].key })
            // Zero queries give uniform weights over the window: the attention output is the window's mean value.
            let zeros = Variable(Tensor(zeros: [chosen.count, windows.tileCount, keys.shape[2]]))
            return Variable.windowedAttention(q: zeros, k: keys, v: keys, windows: windows.tileWindows(pairs: chosen), scale: 1)
        }
        let difference = meanKeys(second) - meanKeys(first)
        let norms = (difference.squared().sum(axes: [2]).affine(scale: 1, shift: 1e-12)).squareRoot()  // [C, T]
        return norms.mean()
    }
}
