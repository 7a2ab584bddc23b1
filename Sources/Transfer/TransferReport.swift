/// What a run did, for `--report FILE.json` and the benchmark: times per stage, gradient bookkeeping, losses.
public struct TransferReport: Codable, Sendable {
    public var preset: Preset
    public var prompt: String
    public var unknownWords: [String] = []
    public var latentShape: [Int] = []
    public var motionBlock = 0
    public var framePairs = 0
    /// Seconds per stage: encode, reference (source motion), guidance (optimisation), denoise, decode.
    public var seconds: [String: Double] = [:]
    /// Wall seconds of each denoising step in order (reference, optimisation and denoising together); the first
    /// `guidedStepCount` were guided. The benchmark splits guided from plain steps with it.
    public var stepSeconds: [Double] = []
    public var guidedStepCount = 0
    public var freshGradients = 0
    public var reusedGradients = 0
    /// Loss at each fresh gradient, per guided step.
    public var losses: [[Float]] = []
    /// Cosine similarity of each fresh gradient to the cached one it replaced.
    public var gradientCosines: [Float] = []
    /// FLOPs of the transformer work (forwards, and backwards counted as twice their forward), for the benchmark.
    public var transformerFLOPs = 0.0

    public init(preset: Preset, prompt: String) {
        self.preset = preset
        self.prompt = prompt
    }
}
