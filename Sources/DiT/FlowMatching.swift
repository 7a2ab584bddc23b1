import Tensor

/// The rectified-flow path both samplers walk: x_σ = σ·noise + (1 − σ)·x₀, σ from 1 (noise) to 0 (data).
public enum FlowMatching {
    /// Wan and diffusers train with 1000 discrete timesteps; a timestep is σ · 1000.
    public static let trainTimesteps = 1000

    /// Moves σ towards 1 so more of the steps are spent at high noise, where large video models need them.
    public static func shifted(_ sigma: Double, by shift: Double) -> Double {
        shift * sigma / (1 + (shift - 1) * sigma)
    }

    /// The first step index of an SDEdit-style start at `strength` (1 = pure noise, every step runs), rounded the way
    /// diffusers' img2img and video2video pipelines round it, so step counts match theirs.
    public static func startIndex(steps: Int, strength: Double) -> Int {
        let initTimestep = min(Int(Double(steps) * strength), steps)
        return max(steps - initTimestep, 0)
    }

    /// The forward process: clean latents noised to `sigma` (diffusers' scale_noise / flow add_noise).
    public static func noised(_ clean: Tensor, noise: Tensor, sigma: Double) -> Tensor {
        // [any shape] × 2 → same shape
        let s = Float(sigma), keep = Float(1 - sigma)
        return Elementwise.combine(
            noise, clean, { Vec(repeating: s) * $0 + Vec(repeating: keep) * $1 }, scalar: { s * $0 + keep * $1 }
        )
    }

    /// The start of an SDEdit-style run at `strength` on a schedule's `sigmas` (`steps + 1` values): the first step
    /// index and the clean latents noised to its σ.
    public static func start(
        sigmas: [Double], clean: Tensor, noise: Tensor, strength: Double
    ) -> (index: Int, sample: Tensor) {
        let index = startIndex(steps: sigmas.count - 1, strength: strength)
        return (index, noised(clean, noise: noise, sigma: sigmas[index]))
    }

    /// numpy.linspace, element for element: the schedules are rounded to Float32 and truncated to integers afterwards,
    /// so a last-bit difference here could move a timestep by one.
    static func linspace(from start: Double, to stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }
}
