import Foundation

/// The hyper-parameters of a Wan2.1 transformer, decoded from (and encoded to) diffusers' `config.json` for
/// `WanTransformer3DModel`, so the 1.3B model and the project's small model are two values of one type.
public struct WanConfig: Codable, Equatable, Sendable {
    public var patchSize: [Int]
    public var numAttentionHeads: Int
    public var attentionHeadDim: Int
    public var inChannels: Int
    public var outChannels: Int
    public var textDim: Int
    public var freqDim: Int
    public var ffnDim: Int
    public var numLayers: Int
    public var crossAttnNorm: Bool
    public var qkNorm: String?
    public var eps: Double
    public var ropeMaxSeqLen: Int

    enum CodingKeys: String, CodingKey {
        case patchSize = "patch_size"
        case numAttentionHeads = "num_attention_heads"
        case attentionHeadDim = "attention_head_dim"
        case inChannels = "in_channels"
        case outChannels = "out_channels"
        case textDim = "text_dim"
        case freqDim = "freq_dim"
        case ffnDim = "ffn_dim"
        case numLayers = "num_layers"
        case crossAttnNorm = "cross_attn_norm"
        case qkNorm = "qk_norm"
        case eps
        case ropeMaxSeqLen = "rope_max_seq_len"
        case imageDim = "image_dim"
        case addedKVProjDim = "added_kv_proj_dim"
    }

    public init(
        patchSize: [Int] = [1, 2, 2], numAttentionHeads: Int, attentionHeadDim: Int, inChannels: Int = 16,
        outChannels: Int = 16, textDim: Int, freqDim: Int = 256, ffnDim: Int, numLayers: Int, crossAttnNorm: Bool = true,
        qkNorm: String? = "rms_norm_across_heads", eps: Double = 1e-6, ropeMaxSeqLen: Int = 1024
    ) {
        self.patchSize = patchSize
        self.numAttentionHeads = numAttentionHeads
        self.attentionHeadDim = attentionHeadDim
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.textDim = textDim
        self.freqDim = freqDim
        self.ffnDim = ffnDim
        self.numLayers = numLayers
        self.crossAttnNorm = crossAttnNorm
        self.qkNorm = qkNorm
        self.eps = eps
        self.ropeMaxSeqLen = ropeMaxSeqLen
    }

    /// Absent keys take diffusers' defaults; image-conditioning (I2V) configs are refused, since that path is not built.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patchSize = try c.decodeIfPresent([Int].self, forKey: .patchSize) ?? [1, 2, 2]
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? 40
        attentionHeadDim = try c.decodeIfPresent(Int.self, forKey: .attentionHeadDim) ?? 128
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 16
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? inChannels
        textDim = try c.decodeIfPresent(Int.self, forKey: .textDim) ?? 4096
        freqDim = try c.decodeIfPresent(Int.self, forKey: .freqDim) ?? 256
        ffnDim = try c.decodeIfPresent(Int.self, forKey: .ffnDim) ?? 13824
        numLayers = try c.decodeIfPresent(Int.self, forKey: .numLayers) ?? 40
        crossAttnNorm = try c.decodeIfPresent(Bool.self, forKey: .crossAttnNorm) ?? true
        qkNorm = try c.decodeIfPresent(String.self, forKey: .qkNorm) ?? "rms_norm_across_heads"
        eps = try c.decodeIfPresent(Double.self, forKey: .eps) ?? 1e-6
        ropeMaxSeqLen = try c.decodeIfPresent(Int.self, forKey: .ropeMaxSeqLen) ?? 1024
        if try c.decodeIfPresent(Int.self, forKey: .imageDim) != nil || c.decodeIfPresent(Int.self, forKey: .addedKVProjDim) != nil {
            throw DecodingError.dataCorruptedError(forKey: .imageDim, in: c,
                                                   debugDescription: "image-conditioned (I2V) Wan models are not supported")
        }
        guard patchSize.count == 3, patchSize.allSatisfy({ $0 > 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .patchSize, in: c, debugDescription: "patch_size must be three positive sizes")
        }
        guard qkNorm == nil || qkNorm == "rms_norm_across_heads" else {
            throw DecodingError.dataCorruptedError(forKey: .qkNorm, in: c, debugDescription: "qk_norm \(qkNorm!) is not supported")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(attentionHeadDim, forKey: .attentionHeadDim)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(textDim, forKey: .textDim)
        try c.encode(freqDim, forKey: .freqDim)
        try c.encode(ffnDim, forKey: .ffnDim)
        try c.encode(numLayers, forKey: .numLayers)
        try c.encode(crossAttnNorm, forKey: .crossAttnNorm)
        try c.encode(qkNorm, forKey: .qkNorm)
        try c.encode(eps, forKey: .eps)
        try c.encode(ropeMaxSeqLen, forKey: .ropeMaxSeqLen)
    }

    public var dim: Int { numAttentionHeads * attentionHeadDim }
    public var patch: (t: Int, h: Int, w: Int) { (patchSize[0], patchSize[1], patchSize[2]) }

    /// Wan2.1-T2V-1.3B as published in diffusers format.
    public static let wan13B = WanConfig(numAttentionHeads: 12, attentionHeadDim: 128, textDim: 4096, ffnDim: 8960, numLayers: 30)

    public static func load(from url: URL) throws -> WanConfig {
        try JSONDecoder().decode(WanConfig.self, from: Data(contentsOf: url))
    }
}
