import Foundation

/// Rotary position embedding on interleaved pairs (x[2i], x[2i+1]), Wan's layout: the d/2 complex channels of a
/// head are split between time, height and width (t gets d/2 − 2·⌊d/6⌋, h and w get ⌊d/6⌋ each).
public enum RoPE {
    /// cos and sin tables [F·H·W, d/2] for a token grid in (frame, row, column) order.
    public static func tables3D(frames: Int, height: Int, width: Int, headDim: Int, theta: Double = 10_000) -> (cos: Tensor, sin: Tensor) {
        precondition(headDim % 2 == 0, "RoPE needs an even head dimension, got \(headDim)")
        let half = headDim / 2
        let spatial = headDim / 6  // complex channels each for h and w
        let temporal = half - 2 * spatial
        // Frequencies of one axis with `channels` complex channels (real width 2·channels): θ^(−2i / (2·channels)).
        func frequencies(_ channels: Int) -> [Double] {
            (0..<channels).map { 1 / pow(theta, Double(2 * $0) / Double(2 * channels)) }
        }
        // The angles depend on one coordinate each, so every (coordinate, frequency) pair is evaluated once and
        // the per-token rows are assembled from those: cos and sin of 3·(d/2) values per position, not per token.
        func axis(_ positions: Int, _ channels: Int) -> (cos: [Float], sin: [Float]) {
            let table = frequencies(channels)
            var cosines = [Float](), sines = [Float]()
            for position in 0..<positions {
                for frequency in table {
                    let angle = Double(position) * frequency
                    cosines.append(Float(Foundation.cos(angle)))
                    sines.append(Float(Foundation.sin(angle)))
                }
            }
            return (cosines, sines)
        }
        let ft = axis(frames, temporal), fh = axis(height, spatial), fw = axis(width, spatial)
        let tokens = frames * height * width
        var cosValues = [Float](), sinValues = [Float]()
        cosValues.reserveCapacity(tokens * half)
        sinValues.reserveCapacity(tokens * half)
        func append(_ table: (cos: [Float], sin: [Float]), position: Int, channels: Int) {
            let range = (position * channels)..<((position + 1) * channels)
            cosValues.append(contentsOf: table.cos[range])
            sinValues.append(contentsOf: table.sin[range])
        }
        for f in 0..<frames {
            for y in 0..<height {
                for x in 0..<width {
                    append(ft, position: f, channels: temporal)
                    append(fh, position: y, channels: spatial)
                    append(fw, position: x, channels: spatial)
                }
            }
        }
        return (Tensor(shape: [tokens, half], scalars: cosValues), Tensor(shape: [tokens, half], scalars: sinValues))
    }

    /// Rotates x [..., N, H, d] by the angles of tables [N, d/2]; `inverse` rotates back (the backward).
    public static func apply(_ x: Tensor, cos: Tensor, sin: Tensor, inverse: Bool = false) -> Tensor {
        precondition(x.rank >= 3, "RoPE input must be [..., N, H, d], got \(x.shape)")
        let d = x.shape[x.rank - 1], heads = x.shape[x.rank - 2], tokens = x.shape[x.rank - 3]
        precondition(cos.shape == [tokens, d / 2] && sin.shape == cos.shape, "RoPE tables \(cos.shape) for input \(x.shape)")
        let outer = x.count / (tokens * heads * d)
        let sign: Float = inverse ? -1 : 1
        var out = Tensor(uninitializedShape: x.shape)
        x.withUnsafeBufferPointer { px in
            cos.withUnsafeBufferPointer { pc in
                sin.withUnsafeBufferPointer { ps in
                    out.withUnsafeMutableBufferPointer { po in
                        let src = px.baseAddress!, dst = po.baseAddress!, cs = pc.baseAddress!, sn = ps.baseAddress!
                        Parallel.chunks(outer * tokens, minimumWork: 1 << 14, workPerItem: heads * d) { range in
                            for item in range {
                                let n = item % tokens
                                let c = cs + n * (d / 2), s = sn + n * (d / 2)
                                for h in 0..<heads {
                                    let a = src + (item * heads + h) * d, o = dst + (item * heads + h) * d
                                    for i in 0..<(d / 2) {
                                        let re = a[2 * i], im = a[2 * i + 1], si = sign * s[i]
                                        o[2 * i] = re * c[i] - im * si
                                        o[2 * i + 1] = re * si + im * c[i]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

extension Variable {
    /// Rotary embedding of x [..., N, H, d] with constant tables [N, d/2] (from `RoPE.tables3D`).
    public func rotary(cos: Tensor, sin: Tensor) -> Variable {
        Variable.record(RoPE.apply(value, cos: cos, sin: sin), inputs: [self]) { _ in
            { grad in [RoPE.apply(grad, cos: cos, sin: sin, inverse: true)] }
        }
    }
}
