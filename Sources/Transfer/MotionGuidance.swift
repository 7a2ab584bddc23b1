import DiT
import Motion
import Tensor

/// The preset's motion objective on one model and clip: reads Q/K at the preset's block, builds flows, and scores a
/// generated flow against a reference.
struct MotionGuidance {
    let model: WanTransformer
    let preset: Preset
    let block: Int
    let grid: TokenGrid
    let pairs: FramePairs

    init(model: WanTransformer, preset: Preset, latentShape: [Int]) {
        self.model = model
        self.preset = preset
        block = preset.block(ofLayers: model.config.numLayers)
        let g = model.grid(ofLatentShape: latentShape)
        grid = TokenGrid(frames: g.f, height: g.h, width: g.w)
        pairs = preset.pairs == .all ? .all(frames: g.f) : .forward(frames: g.f, span: preset.frameSpan)
    }

    /// Forward to the preset's block only, and its Q/K reduced over heads.
    func features(_ latents: Variable, time: TimeConditioning, context: Tensor) -> MotionFeatures {
        let capture = model.forward(latents: latents, time: time, context: context, lastBlock: block, capture: [block]).captures[block]!
        return MotionFeatures(queries: preset.rope ? capture.rotatedQueries : capture.queries,
                              keys: preset.rope ? capture.rotatedKeys : capture.keys,
                              grid: grid, reduction: preset.heads, temperature: preset.temperature)
    }

    func flow(_ features: MotionFeatures) -> (AttentionMotionFlow, TileWindows?) {
        switch preset.flow {
        case .global: return (GlobalAMF.soft(features, pairs: pairs), nil)
        case .window:
            let (flow, windows) = WindowAMF.soft(features, pairs: pairs, settings: preset.window)
            return (flow, windows)
        }
    }

    /// The constant flow the generated one is pulled towards.
    func referenceFlow(_ features: MotionFeatures) -> Tensor {
        preset.reference == .cleanArgmax ? GlobalAMF.argmax(features, pairs: pairs) : flow(features).0.displacement.value
    }

    func loss(_ features: MotionFeatures, reference: Tensor) -> Variable {
        let (generated, windows) = flow(features)
        let amf = preset.loss == .amf
            ? MotionLoss.amf(generated: generated, reference: reference)
            : MotionLoss.maskedMSE(generated: generated, reference: reference)
        guard preset.windowLossWeight != 0, let windows else { return amf * preset.amfWeight }
        return amf * preset.amfWeight + MotionLoss.correspondingWindow(features, pairs: pairs, windows: windows) * preset.windowLossWeight
    }
}
