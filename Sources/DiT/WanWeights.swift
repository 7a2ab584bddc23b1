import Tensor

/// nn.Linear parameters: weight [out, in], bias [out].
public struct LinearWeights: Sendable {
    public let weight: Tensor
    public let bias: Tensor?

    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        Variable.linear(x, weight: Variable(weight), bias: bias.map { Variable($0) })
    }
}

/// One attention layer (`attn1` self, `attn2` cross): projections and the q/k RMSNorm weights across heads.
public struct AttentionWeights: Sendable {
    public let query, key, value, out: LinearWeights
    public let queryNorm, keyNorm: Tensor?
}

public struct WanBlockWeights: Sendable {
    public let selfAttention: AttentionWeights
    public let crossAttention: AttentionWeights
    /// Affine LayerNorm before cross-attention (present when `cross_attn_norm`).
    public let crossNormWeight, crossNormBias: Tensor?
    public let ffnIn, ffnOut: LinearWeights
    /// [6, dim]: shift, scale, gate of self-attention, then of the FFN, added to the timestep projection.
    public let scaleShiftTable: Tensor
}

/// Every tensor of a Wan transformer, checked against its config as it is read.
public struct WanWeights: Sendable {
    public let patchEmbeddingWeight: Tensor   // [dim, in, pt, ph, pw]
    public let patchEmbeddingBias: Tensor     // [dim]
    public let timeLinear1, timeLinear2, timeProjection: LinearWeights
    public let textLinear1, textLinear2: LinearWeights
    public let blocks: [WanBlockWeights]
    public let outputScaleShiftTable: Tensor  // [2, dim]
    public let projOut: LinearWeights

    /// Reads diffusers-named or original-Wan-named tensors from `file`.
    public init(file: SafeTensorsFile, config: WanConfig) throws {
        let original = WanKeyNames.usesOriginalNames(file.entries.keys)
        var byDiffusersName: [String: String] = [:]
        for key in file.entries.keys {
            byDiffusersName[original ? WanKeyNames.diffusersName(ofOriginal: key) : key] = key
        }
        try self.init(config: config) { name, shape in
            guard let stored = byDiffusersName[name] else { throw SafeTensorsError.missing(name: name) }
            let value = try file.tensor(stored)
            // Some exports keep the leading batch axis of scale_shift_table ([1, 6, dim]), others drop it.
            guard value.count == shape.reduce(1, *), value.shape.filter({ $0 != 1 }) == shape.filter({ $0 != 1 }) else {
                throw SafeTensorsError.shapeMismatch(name: stored, expected: shape, found: value.shape)
            }
            return value.reshaped(shape)
        }
    }

    /// Weights from any source that can produce a tensor of a given diffusers name and shape (a file, or made-up
    /// values for benchmarks of configs whose weights are not on this machine).
    public init(config: WanConfig, tensor: (_ name: String, _ shape: [Int]) throws -> Tensor) throws {
        func linear(_ prefix: String, out: Int, in inFeatures: Int) throws -> LinearWeights {
            LinearWeights(weight: try tensor(prefix + ".weight", [out, inFeatures]), bias: try tensor(prefix + ".bias", [out]))
        }
        func attention(_ prefix: String) throws -> AttentionWeights {
            let dim = config.dim
            let normed = config.qkNorm != nil
            return AttentionWeights(
                query: try linear(prefix + ".to_q", out: dim, in: dim),
                key: try linear(prefix + ".to_k", out: dim, in: dim),
                value: try linear(prefix + ".to_v", out: dim, in: dim),
                out: try linear(prefix + ".to_out.0", out: dim, in: dim),
                queryNorm: normed ? try tensor(prefix + ".norm_q.weight", [dim]) : nil,
                keyNorm: normed ? try tensor(prefix + ".norm_k.weight", [dim]) : nil
            )
        }
        let dim = config.dim, p = config.patch
        patchEmbeddingWeight = try tensor("patch_embedding.weight", [dim, config.inChannels, p.t, p.h, p.w])
        patchEmbeddingBias = try tensor("patch_embedding.bias", [dim])
        timeLinear1 = try linear("condition_embedder.time_embedder.linear_1", out: dim, in: config.freqDim)
        timeLinear2 = try linear("condition_embedder.time_embedder.linear_2", out: dim, in: dim)
        timeProjection = try linear("condition_embedder.time_proj", out: 6 * dim, in: dim)
        textLinear1 = try linear("condition_embedder.text_embedder.linear_1", out: dim, in: config.textDim)
        textLinear2 = try linear("condition_embedder.text_embedder.linear_2", out: dim, in: dim)
        blocks = try (0..<config.numLayers).map { i in
            let prefix = "blocks.\(i)"
            return WanBlockWeights(
                selfAttention: try attention(prefix + ".attn1"),
                crossAttention: try attention(prefix + ".attn2"),
                crossNormWeight: config.crossAttnNorm ? try tensor(prefix + ".norm2.weight", [dim]) : nil,
                crossNormBias: config.crossAttnNorm ? try tensor(prefix + ".norm2.bias", [dim]) : nil,
                ffnIn: try linear(prefix + ".ffn.net.0.proj", out: config.ffnDim, in: dim),
                ffnOut: try linear(prefix + ".ffn.net.2", out: dim, in: config.ffnDim),
                scaleShiftTable: try tensor(prefix + ".scale_shift_table", [6, dim])
            )
        }
        outputScaleShiftTable = try tensor("scale_shift_table", [2, dim])
        projOut = try linear("proj_out", out: config.outChannels * p.t * p.h * p.w, in: dim)
    }
}
