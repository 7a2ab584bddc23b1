#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Transposes of 8 × 8 blocks of floats in registers, for packing matrices: element by element, packing cost a
/// third of a packed GEMM's time at attention's tile sizes.
enum Transpose8 {
    typealias Rows = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                      SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

    /// Column p of the block as row p: result.p[l] = rows.l[p].
    @inline(__always)
    static func transposed(_ r: Rows) -> Rows {
        #if arch(x86_64)
        // Interleaved pairs of rows, then pairs of pairs (as 64-bit lanes), then the 128-bit halves exchanged.
        @inline(__always) func wide(_ x: SIMD8<Float>) -> SIMD4<Double> { unsafeBitCast(x, to: SIMD4<Double>.self) }
        @inline(__always) func narrow(_ x: SIMD4<Double>) -> SIMD8<Float> { unsafeBitCast(x, to: SIMD8<Float>.self) }
        let t0 = _mm256_unpacklo_ps(r.0, r.1), t1 = _mm256_unpackhi_ps(r.0, r.1)
        let t2 = _mm256_unpacklo_ps(r.2, r.3), t3 = _mm256_unpackhi_ps(r.2, r.3)
        let t4 = _mm256_unpacklo_ps(r.4, r.5), t5 = _mm256_unpackhi_ps(r.4, r.5)
        let t6 = _mm256_unpacklo_ps(r.6, r.7), t7 = _mm256_unpackhi_ps(r.6, r.7)
        let u0 = narrow(_mm256_unpacklo_pd(wide(t0), wide(t2))), u1 = narrow(_mm256_unpackhi_pd(wide(t0), wide(t2)))
        let u2 = narrow(_mm256_unpacklo_pd(wide(t1), wide(t3))), u3 = narrow(_mm256_unpackhi_pd(wide(t1), wide(t3)))
        let u4 = narrow(_mm256_unpacklo_pd(wide(t4), wide(t6))), u5 = narrow(_mm256_unpackhi_pd(wide(t4), wide(t6)))
        let u6 = narrow(_mm256_unpacklo_pd(wide(t5), wide(t7))), u7 = narrow(_mm256_unpackhi_pd(wide(t5), wide(t7)))
        return (SIMD8(lowHalf: u0.lowHalf, highHalf: u4.lowHalf), SIMD8(lowHalf: u1.lowHalf, highHalf: u5.lowHalf),
                SIMD8(lowHalf: u2.lowHalf, highHalf: u6.lowHalf), SIMD8(lowHalf: u3.lowHalf, highHalf: u7.lowHalf),
                SIMD8(lowHalf: u0.highHalf, highHalf: u4.highHalf), SIMD8(lowHalf: u1.highHalf, highHalf: u5.highHalf),
                SIMD8(lowHalf: u2.highHalf, highHalf: u6.highHalf), SIMD8(lowHalf: u3.highHalf, highHalf: u7.highHalf))
        #else
        @inline(__always) func column(_ p: Int) -> SIMD8<Float> {
            SIMD8(r.0[p], r.1[p], r.2[p], r.3[p], r.4[p], r.5[p], r.6[p], r.7[p])
        }
        return (column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7))
        #endif
    }

    /// Eight rows of 8 floats: row l from `rows(l)`, zeros where it returns nil.
    @inline(__always)
    static func load(_ rows: (Int) -> UnsafePointer<Float>?) -> Rows {
        @inline(__always) func row(_ l: Int) -> SIMD8<Float> {
            guard let p = rows(l) else { return SIMD8() }
            return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        }
        return (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
    }

    /// Stores row p of `block` at `out + p * stride`, p ascending (a later row may overwrite an earlier one's tail).
    @inline(__always)
    static func store(_ block: Rows, _ out: UnsafeMutablePointer<Float>, stride: Int) {
        @inline(__always) func put(_ v: SIMD8<Float>, _ p: Int) {
            UnsafeMutableRawPointer(out + p * stride).storeBytes(of: v, as: SIMD8<Float>.self)
        }
        put(block.0, 0); put(block.1, 1); put(block.2, 2); put(block.3, 3)
        put(block.4, 4); put(block.5, 5); put(block.6, 6); put(block.7, 7)
    }
}
