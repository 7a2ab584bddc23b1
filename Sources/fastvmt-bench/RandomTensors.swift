import DiT
import Tensor

/// Reproducible made-up inputs and weights for the benchmarks (a 64-bit LCG: fast enough for billions of values).
enum RandomTensors {
    /// Uniform in [−scale, scale).
    static func uniform(_ shape: [Int], seed: UInt64, scale: Float = 0.5) -> Tensor {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = Tensor(uninitializedShape: shape)
        out.withUnsafeMutableBufferPointer { values in
            for i in values.indices {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                values[i] = (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
            }
        }
        return out
    }

    /// Weights of the right shapes for `config`, scaled like a trained model's (linear layers by 1/√fan-in, norm
    /// weights near 1), so activations keep a realistic range through many blocks.
    static func wanWeights(_ config: WanConfig, seed: UInt64 = 1) -> WanWeights {
        var next = seed
        return try! WanWeights(config: config) { name, shape in
            next += 1
            if name.contains("norm") { return Elementwise.affine(uniform(shape, seed: next, scale: 0.1), scale: 1, shift: 1) }
            if name.hasSuffix(".bias") || name.contains("scale_shift_table") { return uniform(shape, seed: next, scale: 0.05) }
            let fanIn = shape.dropFirst().reduce(1, *)
            return uniform(shape, seed: next, scale: 1 / Float(fanIn).squareRoot())
        }
    }
}
