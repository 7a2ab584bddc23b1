#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// 16 lanes: one AVX-512 register. This target compiles the kernels of `Tensor` linked here (windowed
/// attention's forward and backward passes, the packed SGEMM) a second time at this width; this file and the entry
/// points (`WindowedForward16`, `WindowedBackward16`, `PackedGEMM16`) are its own.
public typealias Vec = SIMD16<Float>
public typealias VecBits = SIMD16<Int32>

extension VectorMath {
    /// Vector registers of `Vec`'s width: AVX-512 has 32. Kernels with more accumulators than half of these spill.
    public static let vectorRegisters = 32

    /// An unaligned load. On x86 the intrinsic: the raw pointer's generic `loadUnaligned` stayed an out-of-line
    /// call per vector in large functions (137 calls of it and `storeBytes` in dense attention's forward).
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafePointer<Float>) -> Vec {
        #if arch(x86_64)
        return _mm512_loadu_ps(pointer)
        #else
        return UnsafeRawPointer(pointer).loadUnaligned(as: Vec.self)
        #endif
    }

    /// An unaligned store (see `load`).
    @inlinable @inline(__always)
    public static func store(_ value: Vec, _ pointer: UnsafeMutablePointer<Float>) {
        #if arch(x86_64)
        _mm512_storeu_ps(pointer, value)
        #else
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vec.self)
        #endif
    }

    @inlinable @inline(__always)
    public static func max(_ a: Vec, _ b: Vec) -> Vec {
        #if arch(x86_64)
        return _mm512_max_ps(a, b)
        #else
        return a.replacing(with: b, where: b .> a)
        #endif
    }

    @inlinable @inline(__always)
    public static func largestLane(_ v: Vec) -> Float {
        let e = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let h = e.lowHalf.replacing(with: e.highHalf, where: e.highHalf .> e.lowHalf)
        return Swift.max(Swift.max(h[0], h[1]), Swift.max(h[2], h[3]))
    }

    @inlinable @inline(__always)
    public static func laneSum(_ v: Vec) -> Float {
        let e = v.lowHalf + v.highHalf
        return (e.lowHalf + e.highHalf).sum()
    }

    /// The lane sums of eight vectors: each folded to 8 lanes, then `Tensor`'s tree of horizontal adds.
    @inlinable @inline(__always)
    public static func laneSums(_ a: Vec, _ b: Vec, _ c: Vec, _ d: Vec, _ e: Vec, _ f: Vec, _ g: Vec, _ h: Vec) -> SIMD8<Float> {
        let a8 = a.lowHalf + a.highHalf, b8 = b.lowHalf + b.highHalf, c8 = c.lowHalf + c.highHalf, d8 = d.lowHalf + d.highHalf
        let e8 = e.lowHalf + e.highHalf, f8 = f.lowHalf + f.highHalf, g8 = g.lowHalf + g.highHalf, h8 = h.lowHalf + h.highHalf
        #if arch(x86_64)
        let abcd = _mm256_hadd_ps(_mm256_hadd_ps(a8, b8), _mm256_hadd_ps(c8, d8))
        let efgh = _mm256_hadd_ps(_mm256_hadd_ps(e8, f8), _mm256_hadd_ps(g8, h8))
        return SIMD8(lowHalf: abcd.lowHalf, highHalf: efgh.lowHalf) + SIMD8(lowHalf: abcd.highHalf, highHalf: efgh.highHalf)
        #else
        return SIMD8(a8.sum(), b8.sum(), c8.sum(), d8.sum(), e8.sum(), f8.sum(), g8.sum(), h8.sum())
        #endif
    }

    /// p · 2^n for `exp`: one `vscalefps`.
    @inlinable @inline(__always)
    public static func scaled(_ p: Vec, byPowerOfTwo n: Vec, shifted: Vec, magic: Vec) -> Vec {
        #if arch(x86_64)
        return _mm512_scalef_ps(p, n)
        #else
        let integer = unsafeBitCast(shifted, to: VecBits.self) &- unsafeBitCast(magic, to: VecBits.self)
        let half = integer &>> 1
        return p * unsafeBitCast((half &+ 127) &<< 23, to: Vec.self) * unsafeBitCast((integer &- half &+ 127) &<< 23, to: Vec.self)
        #endif
    }
}
