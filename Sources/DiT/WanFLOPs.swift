/// Floating-point operations of a forward (a multiply-add counts two), from the shapes alone: the GEMMs and the
/// attention products, which are all but a fraction of a percent of the work. Benchmarks divide measured times
/// into these counts; tests can assert them.
extension WanConfig {
    /// One transformer block over `tokens` video tokens and `textTokens` text tokens.
    public func blockFLOPs(tokens n: Int, textTokens l: Int) -> Double {
        let n = Double(n), l = Double(l), d = Double(dim), f = Double(ffnDim)
        let selfAttention = 4 * 2 * n * d * d + 4 * n * n * d
        let crossAttention = 2 * 2 * n * d * d + 2 * 2 * l * d * d + 4 * n * l * d
        let feedForward = 2 * 2 * n * d * f
        return selfAttention + crossAttention + feedForward
    }

    /// Patch embedding, blocks 0…`lastBlock` (all when nil) and, for a whole forward, the output head.
    public func forwardFLOPs(tokens n: Int, textTokens l: Int, lastBlock: Int? = nil) -> Double {
        let p = patch, patchVolume = Double(p.t * p.h * p.w)
        let blocks = Double(min((lastBlock ?? numLayers - 1) + 1, numLayers))
        let embed = 2 * Double(n) * Double(inChannels) * patchVolume * Double(dim)
        let head = lastBlock == nil ? 2 * Double(n) * Double(dim) * Double(outChannels) * patchVolume : 0
        return embed + blocks * blockFLOPs(tokens: n, textTokens: l) + head
    }
}

extension WanConfig {
    /// Number of weights (the tensors WanWeights reads).
    public var parameterCount: Int {
        let p = patch, d = dim
        let linear = { (out: Int, inFeatures: Int) in out * inFeatures + out }
        let attention = 4 * linear(d, d) + (qkNorm == nil ? 0 : 2 * d)
        let block = 2 * attention + (crossAttnNorm ? 2 * d : 0) + linear(ffnDim, d) + linear(d, ffnDim) + 6 * d
        return d * inChannels * p.t * p.h * p.w + d
            + linear(d, freqDim) + linear(d, d) + linear(6 * d, d) + linear(d, textDim) + linear(d, d)
            + numLayers * block + 2 * d + linear(outChannels * p.t * p.h * p.w, d)
    }
}
