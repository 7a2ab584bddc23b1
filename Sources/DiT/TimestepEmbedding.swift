import Foundation
import Tensor

/// The sinusoidal timestep features of diffusers' `Timesteps(flip_sin_to_cos: true, downscale_freq_shift: 0)`:
/// [cos(t·ωᵢ), sin(t·ωᵢ)] with ωᵢ = 10000^(−i/half). Evaluated in Float32 step by step as torch does, so the
/// rounding of large t·ω arguments (t reaches 1000) matches the reference.
public enum TimestepEmbedding {
    public static func sinusoid(_ timestep: Float, channels: Int) -> Tensor {
        let half = channels / 2
        var values = [Float](repeating: 0, count: channels)
        let logPeriod = Float(-Foundation.log(10_000.0))
        for i in 0..<half {
            let exponent = logPeriod * Float(i) / Float(half)
            let argument = timestep * Foundation.exp(exponent)
            values[i] = Foundation.cos(argument)
            values[half + i] = Foundation.sin(argument)
        }
        return Tensor(shape: [channels], scalars: values)
    }
}
