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
        let shifted = magic.addingProduct(x, Vec(repeating: 1.442_695_04))
        let n = shifted - magic
        var r = x.addingProduct(n, Vec(repeating: -0.693_359_375))
        r = r.addingProduct(n, Vec(repeating: 2.121_944_4e-4))
        var p = Vec(repeating: 1.987_569_15e-4)
        p = Vec(repeating: 1.398_199_95e-3).addingProduct(p, r)
        p = Vec(repeating: 8.333_451_9e-3).addingProduct(p, r)
        p = Vec(repeating: 4.166_579_59e-2).addingProduct(p, r)
        p = Vec(repeating: 1.666_666_55e-1).addingProduct(p, r)
        p = Vec(repeating: 5.000_000_12e-1).addingProduct(p, r)
        p = (r + Vec(repeating: 1)).addingProduct(p, r * r)
        return scaled(p, byPowerOfTwo: n, shifted: shifted, magic: magic)
    }

    /// ln x for positive normal x, with an error below 3e-7 · max(1, |ln x|) (Cephes' logf polynomial on the mantissa
    /// in [√½, √2)). Zero, negative, subnormal and non-finite inputs give meaningless results.
    @inlinable @inline(__always)
    public static func log(_ x: Vec) -> Vec {
        let bits = unsafeBitCast(x, to: VecBits.self)
        // x = 2^e · m with m in [½, 1): the exponent field less 126, and the mantissa under the exponent of ½. The
        // field becomes a float as the low bits of 2^23 (an integer conversion would be a generic call that the
        // AVX-512 target's copy could lend to every caller, see TensorAVX512Tests).
        var e = unsafeBitCast(((bits &>> 23) & 0xFF) | 0x4B00_0000, to: Vec.self) - Vec(repeating: 8_388_608 + 126)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: Vec.self)
        // m below √½ becomes 2m (exponent one less), so that m − 1 lies in [√½ − 1, √2 − 1).
        let small = m .< Vec(repeating: 0.707_106_781_186_547_524)
        e.replace(with: e - Vec(repeating: 1), where: small)
        m.replace(with: m + m, where: small)
        m -= Vec(repeating: 1)
        let z = m * m
        var p = Vec(repeating: 7.037_683_629_2e-2)
        p = Vec(repeating: -1.151_461_031_0e-1).addingProduct(p, m)
        p = Vec(repeating: 1.167_699_874_0e-1).addingProduct(p, m)
        p = Vec(repeating: -1.242_014_084_6e-1).addingProduct(p, m)
        p = Vec(repeating: 1.424_932_278_7e-1).addingProduct(p, m)
        p = Vec(repeating: -1.666_805_766_5e-1).addingProduct(p, m)
        p = Vec(repeating: 2.000_071_476_5e-1).addingProduct(p, m)
        p = Vec(repeating: -2.499_999_399_3e-1).addingProduct(p, m)
        p = Vec(repeating: 3.333_333_117_4e-1).addingProduct(p, m)
        var y = (p * m) * z
        y = y.addingProduct(e, Vec(repeating: -2.121_944_40e-4))
        y = y.addingProduct(z, Vec(repeating: -0.5))
        return (m + y).addingProduct(e, Vec(repeating: 0.693_359_375))
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

    /// Scalar versions with the same formulas, for loop tails, so a value does not depend on its position.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float { exp(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func log(_ x: Float) -> Float { log(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float { tanh(Vec(repeating: x))[0] }
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { sigmoid(Vec(repeating: x))[0] }
}
