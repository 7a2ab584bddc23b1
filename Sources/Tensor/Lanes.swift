#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The SIMD vector every kernel works in: 8 lanes = one AVX2 register (two NEON registers on arm64).
///
/// Some kernels (windowed attention's forward and backward passes, the packed SGEMM) are compiled a second time, 16 lanes wide,
/// by `TensorAVX512`; everything in them that depends on the width comes from this file, of which that target
/// has its own.
public typealias Vec = SIMD8<Float>
/// Integers lane for lane with `Vec` (window masks, the exponent bits of `VectorMath.exp`).
public typealias VecBits = SIMD8<Int32>

extension VectorMath {
    /// Vector registers of `Vec`'s width: AVX2 has 16 (NEON 32 of half the width). Kernels with more accumulators
    /// than half of these spill.
    public static let vectorRegisters = 16

    /// An unaligned load. On x86 the intrinsic: the raw pointer's generic `loadUnaligned` stayed an out-of-line
    /// call per vector in large functions (137 calls of it and `storeBytes` in dense attention's forward).
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafePointer<Float>) -> Vec {
        #if arch(x86_64)
        return _mm256_loadu_ps(pointer)
        #else
        return UnsafeRawPointer(pointer).loadUnaligned(as: Vec.self)
        #endif
    }

    /// An unaligned store (see `load`).
    @inlinable @inline(__always)
    public static func store(_ value: Vec, _ pointer: UnsafeMutablePointer<Float>) {
        #if arch(x86_64)
        _mm256_storeu_ps(pointer, value)
        #else
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vec.self)
        #endif
    }

    /// The lane-wise larger of two vectors. One instruction on x86, where `pointwiseMax` compiles to an out-of-line
    /// call per vector; a masked select elsewhere. NaN handling follows the instruction (b when either is NaN).
    @inlinable @inline(__always)
    public static func max(_ a: Vec, _ b: Vec) -> Vec {
        #if arch(x86_64)
        return _mm256_max_ps(a, b)
        #else
        return a.replacing(with: b, where: b .> a)
        #endif
    }

    /// The largest lane. `SIMD.max()` is a generic out-of-line call.
    @inlinable @inline(__always)
    public static func largestLane(_ v: Vec) -> Float {
        let h = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        return Swift.max(Swift.max(h[0], h[1]), Swift.max(h[2], h[3]))
    }

    /// The sum of the lanes.
    @inlinable @inline(__always)
    public static func laneSum(_ v: Vec) -> Float { (v.lowHalf + v.highHalf).sum() }

    /// The lane sums of eight vectors as one vector: a tree of horizontal adds, then one exchange of 128-bit halves.
    /// Written lane by lane, the same shuffles compile to a long chain of inserts and extracts that cost as much as
    /// the dot products themselves.
    @inlinable @inline(__always)
    public static func laneSums(_ a: Vec, _ b: Vec, _ c: Vec, _ d: Vec, _ e: Vec, _ f: Vec, _ g: Vec, _ h: Vec) -> SIMD8<Float> {
        #if arch(x86_64)
        let abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d))
        let efgh = _mm256_hadd_ps(_mm256_hadd_ps(e, f), _mm256_hadd_ps(g, h))
        return Vec(lowHalf: abcd.lowHalf, highHalf: efgh.lowHalf) + Vec(lowHalf: abcd.highHalf, highHalf: efgh.highHalf)
        #else
        return SIMD8(laneSum(a), laneSum(b), laneSum(c), laneSum(d), laneSum(e), laneSum(f), laneSum(g), laneSum(h))
        #endif
    }

    /// p · 2^n for `exp`, where n is a whole number in [-127, 128] and `shifted` = n + `magic` holds it in its low
    /// mantissa bits: built into exponent fields, in two halves, since n = -127 alone would build a zero field.
    @inlinable @inline(__always)
    public static func scaled(_ p: Vec, byPowerOfTwo n: Vec, shifted: Vec, magic: Vec) -> Vec {
        let integer = unsafeBitCast(shifted, to: VecBits.self) &- unsafeBitCast(magic, to: VecBits.self)
        let half = integer &>> 1
        let scaleA = unsafeBitCast((half &+ 127) &<< 23, to: Vec.self)
        let scaleB = unsafeBitCast((integer &- half &+ 127) &<< 23, to: Vec.self)
        return p * scaleA * scaleB
    }
}
