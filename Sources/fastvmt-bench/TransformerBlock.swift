import Tensor

/// A Wan-style DiT block written with the engine's ops, for timing the backward against the forward: modulated
/// LayerNorm, q/k RMSNorm across heads, 3-D RoPE, self-attention, gated residual, cross-attention to a short text,
/// GELU-tanh FFN. (The real, diffusers-checked block lives in the DiT target; this one only has to do the same work.)
struct TransformerBlock {
    let dim: Int, heads: Int, ffn: Int
    let selfQ, selfK, selfV, selfOut, crossQ, crossK, crossV, crossOut, ffnIn, ffnOut: Variable
    let selfQNorm, selfKNorm, crossQNorm, crossKNorm, norm2Weight, norm2Bias: Variable
    let biases: [String: Variable]
    let shift1, scale1, gate1, shift2, scale2, gate2: Variable
    let text: Variable
    var learnable: [Variable] { [selfQ, selfK, selfV, selfOut, crossQ, crossK, crossV, crossOut, ffnIn, ffnOut] }

    init(dim: Int, heads: Int, ffn: Int, textTokens: Int, tape: Tape?) {
        self.dim = dim
        self.heads = heads
        self.ffn = ffn
        var seed: UInt64 = 1
        func random(_ shape: [Int], scale: Float) -> Tensor {
            let count = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                values[i] = (Float(seed >> 40) / Float(1 << 24) - 0.5) * 2 * scale
            }
            return Tensor(shape: shape, scalars: values)
        }
        func weight(_ shape: [Int]) -> Variable {
            let value = random(shape, scale: 1 / Float(shape[1]).squareRoot())
            return tape?.variable(value) ?? Variable(value)
        }
        selfQ = weight([dim, dim]); selfK = weight([dim, dim]); selfV = weight([dim, dim]); selfOut = weight([dim, dim])
        crossQ = weight([dim, dim]); crossK = weight([dim, dim]); crossV = weight([dim, dim]); crossOut = weight([dim, dim])
        ffnIn = weight([ffn, dim]); ffnOut = weight([dim, ffn])
        func vector(_ n: Int, around center: Float) -> Variable { Variable(Elementwise.affine(random([n], scale: 0.1), scale: 1, shift: center)) }
        selfQNorm = vector(dim, around: 1); selfKNorm = vector(dim, around: 1)
        crossQNorm = vector(dim, around: 1); crossKNorm = vector(dim, around: 1)
        norm2Weight = vector(dim, around: 1); norm2Bias = vector(dim, around: 0)
        var b: [String: Variable] = [:]
        for name in ["q", "k", "v", "o", "cq", "ck", "cv", "co"] { b[name] = vector(dim, around: 0) }
        b["f1"] = vector(ffn, around: 0); b["f2"] = vector(dim, around: 0)
        biases = b
        shift1 = vector(dim, around: 0); scale1 = vector(dim, around: 0); gate1 = vector(dim, around: 1)
        shift2 = vector(dim, around: 0); scale2 = vector(dim, around: 0); gate2 = vector(dim, around: 1)
        text = Variable(random([textTokens, dim], scale: 1))
    }

    func callAsFunction(_ x: Variable, rope: (cos: Tensor, sin: Tensor)) -> Variable {
        let n = x.shape[0], headDim = dim / heads
        let one = Variable(Tensor(repeating: 1, shape: [dim]))
        func split(_ t: Variable, _ tokens: Int) -> Variable {   // [T, dim] → [H, T, d]
            t.reshaped([tokens, heads, headDim]).permuted([1, 0, 2]).contiguous()
        }
        func merge(_ t: Variable, _ tokens: Int) -> Variable {   // [H, T, d] → [T, dim]
            t.permuted([1, 0, 2]).contiguous().reshaped([tokens, dim])
        }
        let scale = 1 / Float(headDim).squareRoot()

        let h1 = x.layerNorm(epsilon: 1e-6) * (one + scale1) + shift1
        let q = Variable.linear(h1, weight: selfQ, bias: biases["q"]).rmsNorm(epsilon: 1e-6, weight: selfQNorm)
        let k = Variable.linear(h1, weight: selfK, bias: biases["k"]).rmsNorm(epsilon: 1e-6, weight: selfKNorm)
        let v = Variable.linear(h1, weight: selfV, bias: biases["v"])
        let qh = q.reshaped([n, heads, headDim]).rotary(cos: rope.cos, sin: rope.sin).permuted([1, 0, 2]).contiguous()
        let kh = k.reshaped([n, heads, headDim]).rotary(cos: rope.cos, sin: rope.sin).permuted([1, 0, 2]).contiguous()
        let attended = Variable.attention(q: qh, k: kh, v: split(v, n), scale: scale)
        var out = x + Variable.linear(merge(attended, n), weight: selfOut, bias: biases["o"]) * gate1

        let h2 = out.layerNorm(epsilon: 1e-6, weight: norm2Weight, bias: norm2Bias)
        let tokens = text.shape[0]
        let cq = Variable.linear(h2, weight: crossQ, bias: biases["cq"]).rmsNorm(epsilon: 1e-6, weight: crossQNorm)
        let ck = Variable.linear(text, weight: crossK, bias: biases["ck"]).rmsNorm(epsilon: 1e-6, weight: crossKNorm)
        let cv = Variable.linear(text, weight: crossV, bias: biases["cv"])
        let crossed = Variable.attention(q: split(cq, n), k: split(ck, tokens), v: split(cv, tokens), scale: scale)
        out = out + Variable.linear(merge(crossed, n), weight: crossOut, bias: biases["co"])

        let h3 = out.layerNorm(epsilon: 1e-6) * (one + scale2) + shift2
        let ff = Variable.linear(Variable.linear(h3, weight: ffnIn, bias: biases["f1"]).gelu(), weight: ffnOut, bias: biases["f2"])
        return out + ff * gate2
    }

    /// Multiply-add FLOPs of one forward (GEMMs and attention; the elementwise work is not counted).
    func forwardFLOPs(tokens n: Int) -> Double {
        let t = Double(text.shape[0]), d = Double(dim), n = Double(n)
        let linears = 2 * n * d * d * 4 + 2 * n * d * d * 2 + 2 * t * d * d * 2 + 2 * n * d * Double(ffn) * 2
        let attention = 4 * n * n * d + 4 * n * t * d
        return linears + attention
    }
}
