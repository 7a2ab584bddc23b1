/// LayerNorm (with or without affine) and RMSNorm over the last axis, as nn.LayerNorm / Wan's RMSNorm compute them.
public enum Normalization {
    /// Returns y and what the backward needs: x̂ [rows, D] and 1/σ [rows].
    public static func layerNorm(_ x: Tensor, epsilon: Float, weight: Tensor?, bias: Tensor?) -> (Tensor, normalized: Tensor, inverseStd: Tensor) {
        let width = x.shape.last ?? 1, rows = x.count / max(width, 1)
        var y = Tensor(uninitializedShape: x.shape), xhat = Tensor(uninitializedShape: x.shape)
        var inverseStd = Tensor(uninitializedShape: [rows])
        let w = weight?.contiguous(), b = bias?.contiguous()
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                xhat.withUnsafeMutableBufferPointer { ph in
                    inverseStd.withUnsafeMutableBufferPointer { ps in
                        let src = px.baseAddress!, dst = py.baseAddress!, nrm = ph.baseAddress!, inv = ps.baseAddress!
                        let pw = w.map { $0.storage.pointer + $0.offset }, pb = b.map { $0.storage.pointer + $0.offset }
                        RowKernels.forRows(rows, width: width) { range in
                            for r in range {
                                let row = src + r * width, h = nrm + r * width, out = dst + r * width
                                let mean = RowKernels.sum(row, width) / Float(width)
                                var variance: Float = 0
                                for i in 0..<width { let c = row[i] - mean; h[i] = c; variance += c * c }
                                let rstd = 1 / (variance / Float(width) + epsilon).squareRoot()
                                inv[r] = rstd
                                for i in 0..<width {
                                    let n = h[i] * rstd
                                    h[i] = n
                                    out[i] = n * (pw?[i] ?? 1) + (pb?[i] ?? 0)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, xhat, inverseStd)
    }

    /// dx (and, when asked, dweight and dbias) of LayerNorm.
    public static func layerNormBackward(
        upstream: Tensor, normalized: Tensor, inverseStd: Tensor, weight: Tensor?, needWeight: Bool, needBias: Bool
    ) -> (dx: Tensor, dweight: Tensor?, dbias: Tensor?) {
        let width = normalized.shape.last ?? 1, rows = normalized.count / max(width, 1)
        var dx = Tensor(uninitializedShape: normalized.shape)
        let g = upstream.contiguous(), w = weight?.contiguous()
        g.withUnsafeBufferPointer { pg in
            normalized.withUnsafeBufferPointer { ph in
                inverseStd.withUnsafeBufferPointer { ps in
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
                                let meanG = sumG / Float(width), meanGH = sumGH / Float(width)
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

    /// y = x / √(mean(x²) + ε) · weight; returns y, x̂ = x / rms and 1/rms [rows].
    public static func rmsNorm(_ x: Tensor, epsilon: Float, weight: Tensor?) -> (Tensor, normalized: Tensor, inverseRMS: Tensor) {
        let width = x.shape.last ?? 1, rows = x.count / max(width, 1)
        var y = Tensor(uninitializedShape: x.shape), xhat = Tensor(uninitializedShape: x.shape)
        var inverseRMS = Tensor(uninitializedShape: [rows])
        let w = weight?.contiguous()
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                xhat.withUnsafeMutableBufferPointer { ph in
                    inverseRMS.withUnsafeMutableBufferPointer { ps in
                        let src = px.baseAddress!, dst = py.baseAddress!, nrm = ph.baseAddress!, inv = ps.baseAddress!
                        let pw = w.map { $0.storage.pointer + $0.offset }
                        RowKernels.forRows(rows, width: width) { range in
                            for r in range {
                                let row = src + r * width, h = nrm + r * width, out = dst + r * width
                                let meanSquare = RowKernels.dot(row, row, width) / Float(width)
                                let scale = 1 / (meanSquare + epsilon).squareRoot()
                                inv[r] = scale
                                for i in 0..<width {
                                    h[i] = row[i] * scale
                                    out[i] = h[i] * (pw?[i] ?? 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, xhat, inverseRMS)
    }

    public static func rmsNormBackward(
        upstream: Tensor, normalized: Tensor, inverseRMS: Tensor, weight: Tensor?, needWeight: Bool
    ) -> (dx: Tensor, dweight: Tensor?) {
        let width = normalized.shape.last ?? 1, rows = normalized.count / max(width, 1)
        var dx = Tensor(uninitializedShape: normalized.shape)
        let g = upstream.contiguous(), w = weight?.contiguous()
        g.withUnsafeBufferPointer { pg in
            normalized.withUnsafeBufferPointer { ph in
                inverseRMS.withUnsafeBufferPointer { ps in
                    dx.withUnsafeMutableBufferPointer { pd in
                        let up = pg.baseAddress!, nrm = ph.baseAddress!, inv = ps.baseAddress!, out = pd.baseAddress!
                        let pw = w.map { $0.storage.pointer + $0.offset }
                        RowKernels.forRows(rows, width: width) { range in
                            for r in range {
                                let gr = up + r * width, h = nrm + r * width, o = out + r * width
                                var sumGH: Float = 0
                                for i in 0..<width { sumGH += gr[i] * (pw?[i] ?? 1) * h[i] }
                                let meanGH = sumGH / Float(width)
                                for i in 0..<width { o[i] = inv[r] * (gr[i] * (pw?[i] ?? 1) - h[i] * meanGH) }
                            }
                        }
                    }
                }
            }
        }
        let dweight = needWeight
            ? Reduction.sum(Elementwise.multiply(g.reshaped([rows, width]), normalized.reshaped([rows, width])), axes: [0]) : nil
        return (dx, dweight)
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
