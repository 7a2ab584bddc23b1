/// LayerNorm (with or without affine) and RMSNorm over the last axis, as nn.LayerNorm / Wan's RMSNorm compute them.
public enum Normalization {
    /// Returns y and what the backward needs: x̂ [rows, D] and 1/σ [rows].
    public static func layerNorm(_ x: Tensor, epsilon: Float, weight: Tensor?, bias: Tensor?) -> (Tensor, normalized: Tensor, inverseStd: Tensor) {
        normalize(x, epsilon: epsilon, weight: weight, bias: bias, centred: true)
    }

    /// dx (and, when asked, dweight and dbias) of LayerNorm.
    public static func layerNormBackward(
        upstream: Tensor, normalized: Tensor, inverseStd: Tensor, weight: Tensor?, needWeight: Bool, needBias: Bool
    ) -> (dx: Tensor, dweight: Tensor?, dbias: Tensor?) {
        backward(upstream: upstream, normalized: normalized, inverse: inverseStd, weight: weight,
                 needWeight: needWeight, needBias: needBias, centred: true)
    }

    /// y = x / √(mean(x²) + ε) · weight; returns y, x̂ = x / rms and 1/rms [rows].
    public static func rmsNorm(_ x: Tensor, epsilon: Float, weight: Tensor?) -> (Tensor, normalized: Tensor, inverseRMS: Tensor) {
        normalize(x, epsilon: epsilon, weight: weight, bias: nil, centred: false)
    }

    /// y = x̂ · weight + bias with x̂ = (x − mean) / √(var + ε) (`centred`, LayerNorm) or x / √(mean(x²) + ε) (RMSNorm);
    /// returns y, x̂ and the inverse scale [rows].
    static func normalize(_ x: Tensor, epsilon: Float, weight: Tensor?, bias: Tensor?, centred: Bool) -> (Tensor, Tensor, Tensor) {
        let width = x.shape.last ?? 1, rows = x.count / max(width, 1)
        var y = Tensor(uninitializedShape: x.shape), xhat = Tensor(uninitializedShape: x.shape)
        var inverse = Tensor(uninitializedShape: [rows])
        let w = weight?.contiguous(), b = bias?.contiguous()
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                xhat.withUnsafeMutableBufferPointer { ph in
                    inverse.withUnsafeMutableBufferPointer { ps in
                        let src = px.baseAddress!, dst = py.baseAddress!, nrm = ph.baseAddress!, inv = ps.baseAddress!
                        let pw = w.map { $0.storage.pointer + $0.offset }, pb = b.map { $0.storage.pointer + $0.offset }
                        RowKernels.forRows(rows, width: width) { range in
                            for r in range {
                                let row = src + r * width, h = nrm + r * width, out = dst + r * width
                                // Σ (x − mean)², with x − mean written to h, or Σ x².
                                let squares = centred ? centered(row, mean: RowKernels.sum(row, width) / Float(width), into: h, width)
                                    : RowKernels.dot(row, row, width)
                                let scale = 1 / (squares / Float(width) + epsilon).squareRoot()
                                inv[r] = scale
                                scaled(centred ? UnsafePointer(h) : row, by: scale, weight: pw, bias: pb, normalized: h, out: out, width)
                            }
                        }
                    }
                }
            }
        }
        return (y, xhat, inverse)
    }

    public static func rmsNormBackward(
        upstream: Tensor, normalized: Tensor, inverseRMS: Tensor, weight: Tensor?, needWeight: Bool
    ) -> (dx: Tensor, dweight: Tensor?) {
        let (dx, dweight, _) = backward(upstream: upstream, normalized: normalized, inverse: inverseRMS, weight: weight,
                                        needWeight: needWeight, needBias: false, centred: false)
        return (dx, dweight)
    }

    /// Gradients of a norm from its normalised rows h and their inverse scale: with ĝ = g · weight, dx = inverse ·
    /// (ĝ − mean(ĝ) − h · mean(ĝ · h)) for LayerNorm (`centred`), the same without the mean(ĝ) term for RMSNorm;
    /// dweight = Σ_rows g · h, dbias = Σ_rows g.
    static func backward(
        upstream: Tensor, normalized: Tensor, inverse: Tensor, weight: Tensor?, needWeight: Bool, needBias: Bool, centred: Bool
    ) -> (dx: Tensor, dweight: Tensor?, dbias: Tensor?) {
        let width = normalized.shape.last ?? 1, rows = normalized.count / max(width, 1)
        var dx = Tensor(uninitializedShape: normalized.shape)
        let g = upstream.contiguous(), w = weight?.contiguous()
        g.withUnsafeBufferPointer { pg in
            normalized.withUnsafeBufferPointer { ph in
                inverse.withUnsafeBufferPointer { ps in
                    dx.withUnsafeMutableBufferPointer { pd in
                        let up = pg.baseAddress!, nrm = ph.baseAddress!, inv = ps.baseAddress!, out = pd.baseAddress!
                        let pw = w.map { $0.storage.pointer + $0.offset }
                        RowKernels.forRows(rows, width: width) { range in
                            for r in range {
                                let gr = up + r * width, h = nrm + r * width, o = out + r * width
                                var sumG: Float = 0, sumGH: Float = 0
                                for i in 0..<width {
                                    let gi = gr[i] * (pw?[i] ?? 1)
                                    sumG += gi
                                    sumGH += gi * h[i]
                                }
                                let meanG = centred ? sumG / Float(width) : 0, meanGH = sumGH / Float(width)
                                for i in 0..<width {
                                    o[i] = inv[r] * (gr[i] * (pw?[i] ?? 1) - meanG - h[i] * meanGH)
                                }
                            }
                        }
                    }
                }
            }
        }
        let flatG = g.reshaped([rows, width])
        let dweight = needWeight ? Reduction.sum(Elementwise.multiply(flatG, normalized.reshaped([rows, width])), axes: [0]) : nil
        let dbias = needBias ? Reduction.sum(flatG, axes: [0]) : nil
        return (dx, dweight, dbias)
    }

    /// h ← x − mean; returns Σ h².
    @inline(__always)
    static func centered(_ x: UnsafePointer<Float>, mean: Float, into h: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        let m = Vec(repeating: mean)
        var acc = Vec()
        var i = 0
        while i + 8 <= n {
            let c = VectorMath.load(x + i) - m
            VectorMath.store(c, h + i)
            acc.addProduct(c, c)
            i += 8
        }
        var total = acc.sum()
        while i < n { let c = x[i] - mean; h[i] = c; total += c * c; i += 1 }
        return total
    }

    /// normalized ← x · scale, out ← normalized · weight + bias (weight 1 and bias 0 where absent). `x` may be
    /// `normalized` itself.
    @inline(__always)
    static func scaled(
        _ x: UnsafePointer<Float>, by scale: Float, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
        normalized: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, _ n: Int
    ) {
        let s = Vec(repeating: scale)
        var i = 0
        while i + 8 <= n {
            let v = VectorMath.load(x + i) * s
            VectorMath.store(v, normalized + i)
            let w = weight.map { VectorMath.load($0 + i) } ?? Vec(repeating: 1)
            let b = bias.map { VectorMath.load($0 + i) } ?? Vec()
            VectorMath.store(v * w + b, out + i)
            i += 8
        }
        while i < n {
            let v = x[i] * scale
            normalized[i] = v
            out[i] = v * (weight?[i] ?? 1) + (bias?[i] ?? 0)
            i += 1
        }
    }
}

extension Variable {
    /// LayerNorm over the last axis; `weight`/`bias` [D] or nil (elementwise_affine=False).
    public func layerNorm(epsilon: Float, weight: Variable? = nil, bias: Variable? = nil) -> Variable {
        let (y, normalized, inverseStd) = Normalization.layerNorm(value, epsilon: epsilon, weight: weight?.value, bias: bias?.value)
        return Variable.record(y, inputs: [self, weight, bias]) { needs in
            let w = weight?.value
            return { grad in
                let (dx, dw, db) = Normalization.layerNormBackward(
                    upstream: grad, normalized: normalized, inverseStd: inverseStd, weight: w,
                    needWeight: needs[1], needBias: needs[2])
                return [needs[0] ? dx : nil, dw, db]
            }
        }
    }

    /// RMSNorm over the last axis; `weight` [D] or nil.
    public func rmsNorm(epsilon: Float, weight: Variable? = nil) -> Variable {
        let (y, normalized, inverseRMS) = Normalization.rmsNorm(value, epsilon: epsilon, weight: weight?.value)
        return Variable.record(y, inputs: [self, weight]) { needs in
            let w = weight?.value
            return { grad in
                let (dx, dw) = Normalization.rmsNormBackward(
                    upstream: grad, normalized: normalized, inverseRMS: inverseRMS, weight: w, needWeight: needs[1])
                return [needs[0] ? dx : nil, dw]
            }
        }
    }
}
