import Foundation
import Motion

/// Everything that distinguishes one motion-transfer method from another, as one JSON-codable value. The three
/// built-in presets are also written out under filters/ (a test keeps the two identical). Every default below is
/// taken from the authors' public code; where DESIGN.md's numbers differ, the later commit of FastVMT wins.
public struct Preset: Codable, Equatable, Sendable {
    public enum FlowKind: String, Codable, Sendable { case global, window }
    public enum PairKind: String, Codable, Sendable {
        /// every ordered pair i ≠ j (DiTFlow)
        case all
        /// j ∈ [i, i + frameSpan) (FastVMT)
        case forward
    }
    public enum ReferenceKind: String, Codable, Sendable {
        /// The source latents noised with the generation's own noise to the current step's σ, soft-argmax flow,
        /// recomputed at every guided step (FastVMT).
        case noisedEachStep = "noised-each-step"
        /// The clean source latents at timestep 0, argmax flow, computed once (DiTFlow).
        case cleanArgmax = "clean-argmax"
    }
    public enum LossKind: String, Codable, Sendable {
        /// pair-weighted mean squared displacement error (FastVMT)
        case amf
        /// MSE over the tokens that move in the reference (DiTFlow's threshloss)
        case maskedMSE = "masked-mse"
    }
    public enum SamplerKind: String, Codable, Sendable { case euler, unipc }

    public var name: String
    // Where motion is read.
    /// Which block's self-attention, as a fraction of the depth: FastVMT reads block 14 of Wan-1.3B's 30 (0.47),
    /// DiTFlow block 20 of CogVideoX-5B's 42 (0.48). `block(ofLayers:)` turns it into an index.
    public var blockFraction: Double
    public var rope: Bool
    public var heads: HeadReduction
    public var temperature: Float
    public var flow: FlowKind
    public var pairs: PairKind
    public var frameSpan: Int
    public var window: WindowSettings
    public var reference: ReferenceKind
    public var loss: LossKind
    public var amfWeight: Float
    public var windowLossWeight: Float
    // The optimiser.
    public var guidedSteps: Int
    public var iterations: Int
    public var learningRateStart: Float
    public var learningRateEnd: Float
    public var weightDecay: Float
    /// A fresh gradient every `skipInterval`-th iteration of a step (always at its first); the cached one otherwise.
    public var skipInterval: Int
    // The sampler.
    public var sampler: SamplerKind
    public var steps: Int
    /// The σ schedule's shift; nil (the built-in presets) takes the model's (`TransferModel.samplingShift`). A shift
    /// suits a model's noise levels and resolution, not a guidance method: FastVMT's 7 is Wan2.1-1.3B's at 480p.
    public var shift: Double?
    public var guidanceScale: Float
    /// SDEdit start: 1 = pure noise.
    public var strength: Double
    public var seed: UInt64

    /// The block nearest the fraction. Rounding down kept the reference models' blocks too, but put the built-in
    /// model's 6 layers at block 2 (a third of the depth, for 0.47 · 6 = 2.8); at block 3 guidance lowered the path
    /// error of its held-out evaluation below the unguided control's, at block 2 it raised it (BENCHMARKS.md).
    public func block(ofLayers layers: Int) -> Int {
        min(max(Int((blockFraction * Double(layers)).rounded(.toNearestOrAwayFromZero)), 0), layers - 1)
    }

    public var framePairsDescription: String { pairs == .all ? "all pairs" : "j ∈ [i, i+\(frameSpan))" }

    /// The learning rate at iteration `iteration` of `iterations` (linear from start to end).
    public func learningRate(iteration: Int) -> Float {
        iterations <= 1 ? learningRateStart
            : learningRateStart + (learningRateEnd - learningRateStart) * Float(iteration) / Float(iterations)
    }

    /// FastVMT, later commit (mayuelala/FastVMT, wan_video.py): block 14/30 after RoPE, Q/K averaged over heads,
    /// τ = 1, window flow over j ∈ [i, i+4) with 3×4 tiles and 21×21 windows on the 30×52 grid (scaled here to the
    /// small model's grid: 1×1 tiles on 8×8 are too fine to search, 2×2 tiles and 5×5 windows keep the same share of
    /// the frame), L = 5·L_amf + L_win, AdamW lr 0.003 → 0.002, 10 iterations on the first 10 of 50 steps, a
    /// fresh gradient at iterations 0, 3, 6, 9, SDEdit strength 0.75, CFG 5.8. Its shift, 7, is left to the model (`shift`).
    public static let fast = Preset(
        name: "fast", blockFraction: 14.0 / 30, rope: true, heads: .averageQueriesAndKeys, temperature: 1,
        flow: .window, pairs: .forward, frameSpan: 4, window: WindowSettings(tileHeight: 2, tileWidth: 2, size: 5),
        reference: .noisedEachStep, loss: .amf, amfWeight: 5, windowLossWeight: 1,
        guidedSteps: 10, iterations: 10, learningRateStart: 0.003, learningRateEnd: 0.002, weightDecay: 0.01, skipInterval: 3,
        sampler: .euler, steps: 50, shift: nil, guidanceScale: 5.8, strength: 0.75, seed: 0
    )

    /// FastVMT's method without step skipping: every iteration computes a fresh gradient.
    public static let quality: Preset = {
        var preset = fast
        preset.name = "quality"
        preset.skipInterval = 1
        return preset
    }()

    /// DiTFlow (ditflow/ditflow, motion_guidance.py and guidance_config.yaml): global flow over all pairs from
    /// per-head logits averaged, τ = 2, reference once from the clean source with argmax, masked MSE, Adam
    /// (no weight decay) lr 0.002 → 0.001, 5 iterations with a fresh gradient each, first 10 of 50 steps, no window
    /// loss. Sampler settings as `fast`, so the two differ only in the guidance.
    public static let ditflow = Preset(
        name: "ditflow", blockFraction: 20.0 / 42, rope: true, heads: .averageLogits, temperature: 2,
        flow: .global, pairs: .all, frameSpan: 4, window: WindowSettings(tileHeight: 2, tileWidth: 2, size: 5),
        reference: .cleanArgmax, loss: .maskedMSE, amfWeight: 1, windowLossWeight: 0,
        guidedSteps: 10, iterations: 5, learningRateStart: 0.002, learningRateEnd: 0.001, weightDecay: 0, skipInterval: 1,
        sampler: .euler, steps: 50, shift: nil, guidanceScale: 5.8, strength: 0.75, seed: 0
    )

    public static let builtIn: [Preset] = [fast, ditflow, quality]

    /// A built-in preset by name, or a JSON file.
    public static func named(_ nameOrPath: String) throws -> Preset {
        if let preset = builtIn.first(where: { $0.name == nameOrPath }) { return preset }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw PresetError.unknown(nameOrPath, known: builtIn.map(\.name))
        }
        do {
            return try JSONDecoder().decode(Preset.self, from: Data(contentsOf: URL(fileURLWithPath: nameOrPath)))
        } catch {
            throw PresetError.unreadable(nameOrPath, reason: "\(error)")
        }
    }

    public func validated() throws -> Preset {
        func check(_ ok: Bool, _ what: String) throws { if !ok { throw PresetError.invalid(name, what) } }
        try check(steps >= 1, "steps must be at least 1")
        try check(shift.map { $0 > 0 } ?? true, "shift must be positive")
        try check(guidedSteps >= 0 && iterations >= 0, "guided steps and iterations must not be negative")
        try check(skipInterval >= 1, "skip interval must be at least 1")
        try check(frameSpan >= 1, "frame span must be at least 1")
        try check(strength > 0 && strength <= 1, "strength must be in (0, 1]")
        try check((0...1).contains(blockFraction), "block fraction must be in [0, 1]")
        try check(window.size >= 1 && window.tileHeight >= 1 && window.tileWidth >= 1, "window and tile sizes must be positive")
        return self
    }
}

public enum PresetError: Error, CustomStringConvertible {
    case unknown(String, known: [String])
    case unreadable(String, reason: String)
    case invalid(String, String)

    public var description: String {
        switch self {
        case let .unknown(name, known): "no preset named \(name) (built in: \(known.joined(separator: ", ")); or give a JSON file)"
        case let .unreadable(path, reason): "cannot read preset \(path): \(reason)"
        case let .invalid(name, what): "preset \(name): \(what)"
        }
    }
}
