/// Vectorised transcendental functions. The scalar libm versions cost more than the arithmetic around them in
/// softmax, GELU and SiLU, and Swift does not vectorise calls into libm.
public enum VectorMath {
    /// e^x with relative error below 2e-7 on [-87, 88] (Cephes' expf polynomial; Cody–Waite range reduction).
    /// Below -87.3 the result is 0-ish (flushes through 2^-126), above 88.7 it saturates at ~3.4e38.
    @inlinable @inline(__always)
    public static func exp(_ input: Vec) -> Vec {
        // `clamped` compiles to out-of-line pointwiseMin/Max calls; two masked selects stay in registers.
        let low = Vec(repeating: -87.33654), high = Vec(repeating: 88.72283)
        let x = input.replacing(with: low, where: input .< low).replacing(with: high, where: input .> high)
        // Adding 1.5·2^23 rounds to the nearest integer and leaves it in the low mantissa bits.
        let magic = Vec(repeating: 12_582_912)
        let shifted = x * Vec(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        var r = x - n * Vec(repeating: 0.693_359_375)
        r = r - n * Vec(repeating: -2.121_944_4e-4)
        var p = Vec(repeating: 1.987_569_15e-4)
        p = p * r + Vec(repeating: 1.398_199_95e-3)
        p = p * r + Vec(repeating: 8.333_451_9e-3)
        p = p * r + Vec(repeating: 4.166_579_59e-2)
        p = p * r + Vec(repeating: 1.666_666_55e-1)
        p = p * r + Vec(repeating: 5.000_000_12e-1)
        p = p * (r * r) + r + Vec(repeating: 1)
        let integer = unsafeBitCast(shifted, to: VecBits.self) &- unsafeBitCast(magic, to: VecBits.self)
        // n = -127 (x near the lower clamp) would build a zero exponent field; split the scale in two instead.
        let half = integer &>> 1
        let scaleA = unsafeBitCast((half &+ 127) &<< 23, to: Vec.self)
        let scaleB = unsafeBitCast((integer &- half &+ 127) &<< 23, to: Vec.self)
        return p * scaleA * scaleB
    }

    /// tanh(x) = 1 − 2 / (e^{2x} + 1); absolute error below 3e-7.
    @inlinable @inline(__always)
    public static func tanh(_ x: Vec) -> Vec {
        Vec(repeating: 1) - Vec(repeating: 2) / (exp(x + x) + Vec(repeating: 1))
    }

    /// 1 / (1 + e^{−x}).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Vec) -> Vec {
        Vec(repeating: 1) / (Vec(repeating: 1) + exp(-x))
    }

    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafePointer<Float>) -> Vec {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vec.self)
    }

    @inlinable @inline(__always)
    public static func store(_ value: Vec, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vec.self)
    }

    /// Scalar versions with the same formulas, for loop tails, so a value does not depend on its position.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float { exp(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float { tanh(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { sigmoid(Vec(repeating: x))[0] }
}
