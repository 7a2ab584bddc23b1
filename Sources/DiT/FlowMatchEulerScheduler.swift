import Tensor

/// The first-order flow-matching sampler: diffusers' FlowMatchEulerDiscreteScheduler with a fixed `shift`
/// (no dynamic shifting), its schedule reproduced value for value.
public struct FlowMatchEulerScheduler: Sendable {
    public let shift: Double
    /// σ of every step, then a final 0: `steps + 1` values, each a Float32 value as diffusers stores them.
    public let sigmas: [Double]
    /// The timestep the model is conditioned on at every step (σ · 1000, in Float32 as diffusers computes it).
    public let timesteps: [Double]

    public init(steps: Int, shift: Double) {
        precondition(steps > 0, "a schedule needs at least one step")
        self.shift = shift
        // diffusers shifts its 1000 training σ in __init__ (in Float32) and takes the ends of the inference range from
        // them, then shifts again in set_timesteps: the range ends at shifted(1/1000), not at 1/1000.
        func trainingSigma(_ timestep: Float) -> Double {
            let sigma = timestep / Float(FlowMatching.trainTimesteps)
            return Double(Float(shift) * sigma / (1 + Float(shift - 1) * sigma))
        }
        let t = Double(FlowMatching.trainTimesteps)
        let range = FlowMatching.linspace(from: trainingSigma(Float(t)) * t, to: trainingSigma(1) * t, count: steps)
        let stepSigmas = range.map { Float(FlowMatching.shifted($0 / t, by: shift)) }
        sigmas = stepSigmas.map(Double.init) + [0]
        timesteps = stepSigmas.map { Double($0 * Float(t)) }
    }

    public var steps: Int { timesteps.count }

    /// One Euler step along the velocity from step `index` to the next: x + (σ_next − σ)·v.
    public func step(velocity: Tensor, sample: Tensor, index: Int) -> Tensor {
        // [any shape] × 2 → same shape
        let dt = Float(sigmas[index + 1] - sigmas[index])
        return Elementwise.combine(
            sample, velocity, { $0 + Vec(repeating: dt) * $1 }, scalar: { $0 + dt * $1 }
        )
    }
}
