/// Softmax over the last axis.
public enum Softmax {
    public static func forward(_ x: Tensor) -> Tensor {
        let width = x.shape.last ?? 1, rows = x.count / max(width, 1)
        var y = Tensor(uninitializedShape: x.shape)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                let src = px.baseAddress!, dst = py.baseAddress!
                RowKernels.forRows(rows, width: width) { range in
                    for r in range { row(src + r * width, dst + r * width, width) }
                }
            }
        }
        return y
    }

    /// One row, in place allowed (`input == output`).
    @inlinable @inline(__always)
    public static func row(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ n: Int) {
        let total = RowKernels.exp(input, output, n, subtracting: RowKernels.max(input, n))
        let inv = Vec(repeating: 1 / total)
        var i = 0
        while i + 8 <= n { VectorMath.store(VectorMath.load(output + i) * inv, output + i); i += 8 }
        while i < n { output[i] /= total; i += 1 }
    }

    /// dx = y ∘ (dy − Σ dy·y).
    public static func backward(output y: Tensor, upstream: Tensor) -> Tensor {
        let width = y.shape.last ?? 1, rows = y.count / max(width, 1)
        var dx = Tensor(uninitializedShape: y.shape)
        let g = upstream.contiguous()
        y.withUnsafeBufferPointer { py in
            g.withUnsafeBufferPointer { pg in
                dx.withUnsafeMutableBufferPointer { pd in
                    let yy = py.baseAddress!, gg = pg.baseAddress!, out = pd.baseAddress!
                    RowKernels.forRows(rows, width: width) { range in
                        for r in range {
                            let yr = yy + r * width, gr = gg + r * width, o = out + r * width
                            let inner = RowKernels.dot(yr, gr, width)
                            for i in 0..<width { o[i] = yr[i] * (gr[i] - inner) }
                        }
                    }
                }
            }
        }
        return dx
    }
}

extension Variable {
    public func softmax() -> Variable {
        let y = Softmax.forward(value)
        return Variable.record(y, inputs: [self]) { _ in { grad in [Softmax.backward(output: y, upstream: grad)] } }
    }
}
