import Foundation
import Tensor

/// Standard normal noise from a 64-bit seed (SplitMix64 feeding Box–Muller), the same on every machine and
/// platform: the generator and the transform are written out here rather than taken from a library whose
/// algorithm could change.
public struct SeededNoise {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1]: 53 random bits, never 0, so the logarithm below is finite.
    mutating func nextUnit() -> Double {
        Double((nextUInt64() >> 11) + 1) * 0x1p-53
    }

    public mutating func normal(_ shape: [Int]) -> Tensor {
        var out = Tensor(uninitializedShape: shape)
        out.withUnsafeMutableBufferPointer { values in
            var i = 0
            while i < values.count {
                let radius = (-2 * Foundation.log(nextUnit())).squareRoot(), angle = 2 * Double.pi * nextUnit()
                values[i] = Float(radius * Foundation.cos(angle))
                if i + 1 < values.count { values[i + 1] = Float(radius * Foundation.sin(angle)) }
                i += 2
            }
        }
        return out
    }
}
