import Foundation
import Tensor

/// Self-attention queries and keys of one block, as the motion losses read them: after the q/k RMSNorm, per head.
/// The values are on the caller's tape when the latents are, so a loss built from them differentiates back to the
/// latents.
public struct SelfAttentionCapture {
    public let block: Int
    public let queries: Variable         // [H, N, d] without RoPE
    public let keys: Variable            // [H, N, d] without RoPE
    public let rotatedQueries: Variable  // [H, N, d] with RoPE, as the attention uses them
    public let rotatedKeys: Variable     // [H, N, d]
}

/// The timestep's embedding (`temb`, [dim]) and its six-way projection ([6, dim]); constants of one denoising step.
public struct TimeConditioning: Sendable {
    public let embedding: Tensor
    public let projection: Tensor
}

/// What a forward produced: the prediction when it ran to the end, the hidden tokens where it stopped, and the
/// captured attention of the blocks asked for.
public struct WanForwardResult {
    public let output: Variable?                    // [C_out, F, H, W]
    public let hidden: Variable                     // [N, dim] after the last block run
    public let captures: [Int: SelfAttentionCapture]
}

/// Wan2.1's video transformer as diffusers' `WanTransformer3DModel` computes it (batch of one, text-to-video).
public struct WanTransformer: Sendable {
    public let config: WanConfig
    public let weights: WanWeights

    public init(config: WanConfig, weights: WanWeights) {
        self.config = config
        self.weights = weights
    }

    /// A diffusers-format model directory (config.json + one or more *.safetensors), or config + one weights file.
    public init(config: WanConfig, weightsFile: String) throws {
        self.init(config: config, weights: try WanWeights(file: SafeTensorsFile(path: weightsFile), config: config))
    }

    var epsilon: Float { Float(config.eps) }

    public func timeConditioning(timestep: Float) -> TimeConditioning {
        let sinusoid = Variable(TimestepEmbedding.sinusoid(timestep, channels: config.freqDim).reshaped([1, config.freqDim]))
        let embedding = weights.timeLinear2(weights.timeLinear1(sinusoid).silu())     // [1, dim]
        let projection = weights.timeProjection(embedding.silu())                      // [1, 6·dim]
        return TimeConditioning(embedding: embedding.value.reshaped([config.dim]),
                                projection: projection.value.reshaped([6, config.dim]))
    }

    /// Text encoder states [L, text_dim] → the context the cross-attention reads, [L, dim].
    public func textContext(_ states: Tensor) -> Tensor {
        precondition(states.rank == 2 && states.shape[1] == config.textDim, "text states \(states.shape), text_dim \(config.textDim)")
        return weights.textLinear2(weights.textLinear1(Variable(states)).gelu()).value
    }

    /// The token grid of latents [C, F, H, W].
    public func grid(ofLatentShape shape: [Int]) -> (f: Int, h: Int, w: Int) {
        let p = config.patch
        return (shape[1] / p.t, shape[2] / p.h, shape[3] / p.w)
    }

    public func ropeTables(grid: (f: Int, h: Int, w: Int)) -> (cos: Tensor, sin: Tensor) {
        RoPE.tables3D(frames: grid.f, height: grid.h, width: grid.w, headDim: config.attentionHeadDim)
    }

    /// latents [C, F, H, W] → velocity [C_out, F, H, W]; or, with `lastBlock`, only blocks 0…lastBlock (no output
    /// head), which is all the guidance forward needs. `capture` names the blocks whose self-attention Q/K to return.
    public func forward(
        latents: Variable, time: TimeConditioning, context: Tensor, lastBlock: Int? = nil, capture: Set<Int> = []
    ) -> WanForwardResult {
        precondition(latents.value.rank == 4 && latents.shape[0] == config.inChannels,
                     "latents \(latents.shape) for \(config.inChannels) input channels")
        let grid = grid(ofLatentShape: latents.shape)
        let rope = ropeTables(grid: grid)
        let last = min(lastBlock ?? (config.numLayers - 1), config.numLayers - 1)
        var x = latents.patchEmbedded(weight: Variable(weights.patchEmbeddingWeight), bias: Variable(weights.patchEmbeddingBias))  // [N, dim]
        var captures: [Int: SelfAttentionCapture] = [:]
        for index in 0...last {
            x = block(index, x, time: time, context: context, rope: rope, capture: capture.contains(index) ? { captures[index] = $0 } : nil)
        }
        guard last == config.numLayers - 1 else { return WanForwardResult(output: nil, hidden: x, captures: captures) }

        let modulation = Elementwise.add(weights.outputScaleShiftTable, time.embedding.reshaped([1, config.dim]))  // [2, dim]
        let normed = modulated(x, shift: row(modulation, 0), scale: row(modulation, 1))
        let output = weights.projOut(normed).unpatchified(grid: grid, patch: config.patch, channels: config.outChannels)
        return WanForwardResult(output: output, hidden: x, captures: captures)
    }

    private func row(_ table: Tensor, _ index: Int) -> Tensor {
        table.sliced(axis: 0, index..<(index + 1)).reshaped([table.shape[1]])
    }

    /// LayerNorm(x)·(1 + scale) + shift, as one affine LayerNorm: the modulation is constant within a step.
    private func modulated(_ x: Variable, shift: Tensor, scale: Tensor) -> Variable {
        x.layerNorm(epsilon: epsilon, weight: Variable(Elementwise.affine(scale, scale: 1, shift: 1)), bias: Variable(shift))
    }

    private func block(
        _ index: Int, _ x: Variable, time: TimeConditioning, context: Tensor, rope: (cos: Tensor, sin: Tensor),
        capture: ((SelfAttentionCapture) -> Void)?
    ) -> Variable {
        let w = weights.blocks[index]
        let modulation = Elementwise.add(w.scaleShiftTable, time.projection)  // [6, dim]
        let gate1 = Variable(row(modulation, 2)), gate2 = Variable(row(modulation, 5))

        let h1 = modulated(x, shift: row(modulation, 0), scale: row(modulation, 1))
        var out = x + selfAttention(w.selfAttention, h1, rope: rope, block: index, capture: capture) * gate1

        let h2 = config.crossAttnNorm
            ? out.layerNorm(epsilon: epsilon, weight: Variable(w.crossNormWeight!), bias: Variable(w.crossNormBias!))
            : out
        out = out + crossAttention(w.crossAttention, h2, context: Variable(context))

        let h3 = modulated(out, shift: row(modulation, 3), scale: row(modulation, 4))
        return out + w.ffnOut(w.ffnIn(h3).gelu()) * gate2
    }

    /// [T, dim] → [T, H, d]
    private func heads(_ t: Variable) -> Variable {
        t.reshaped([t.shape[0], config.numAttentionHeads, config.attentionHeadDim])
    }

    /// [H, T, d] → [T, dim]
    private func merged(_ t: Variable) -> Variable {
        t.permuted([1, 0, 2]).contiguous().reshaped([t.shape[1], config.dim])
    }

    private func normed(_ t: Variable, _ weight: Tensor?) -> Variable {
        guard let weight else { return t }
        return t.rmsNorm(epsilon: epsilon, weight: Variable(weight))
    }

    private func selfAttention(
        _ w: AttentionWeights, _ h: Variable, rope: (cos: Tensor, sin: Tensor), block: Int,
        capture: ((SelfAttentionCapture) -> Void)?
    ) -> Variable {
        let q = heads(normed(w.query(h), w.queryNorm))  // [N, H, d]
        let k = heads(normed(w.key(h), w.keyNorm))
        let v = heads(w.value(h))
        let rq = q.rotary(cos: rope.cos, sin: rope.sin).permuted([1, 0, 2]).contiguous()  // [H, N, d]
        let rk = k.rotary(cos: rope.cos, sin: rope.sin).permuted([1, 0, 2]).contiguous()
        if let capture {
            capture(SelfAttentionCapture(block: block, queries: q.permuted([1, 0, 2]).contiguous(),
                                         keys: k.permuted([1, 0, 2]).contiguous(), rotatedQueries: rq, rotatedKeys: rk))
        }
        let attended = Variable.attention(q: rq, k: rk, v: v.permuted([1, 0, 2]).contiguous(),
                                          scale: 1 / Float(config.attentionHeadDim).squareRoot())
        return w.out(merged(attended))
    }

    private func crossAttention(_ w: AttentionWeights, _ h: Variable, context: Variable) -> Variable {
        let q = heads(normed(w.query(h), w.queryNorm)).permuted([1, 0, 2]).contiguous()        // [H, N, d]
        let k = heads(normed(w.key(context), w.keyNorm)).permuted([1, 0, 2]).contiguous()      // [H, L, d]
        let v = heads(w.value(context)).permuted([1, 0, 2]).contiguous()
        let attended = Variable.attention(q: q, k: k, v: v, scale: 1 / Float(config.attentionHeadDim).squareRoot())
        return w.out(merged(attended))
    }
}
