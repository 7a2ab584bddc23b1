/// Dot products of three queries with a run of keys that lie next to each other in memory, three queries × three keys
/// per pass: each key load feeds three multiply-adds and each query load three, where one query at a time would load
/// every key once per query.
@usableFromInline
enum KeyDots {
    /// o_i[j] = scale · a_i · keys_j for i < 3, j < count. Rows may repeat (a short block passes one row three times).
    @inlinable @inline(__always)
    static func dots(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ keys: UnsafePointer<Float>, count: Int, d: Int, scale: Float,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>
    ) {
        let vectorEnd = d & ~(Vec.scalarCount - 1)
        var j = 0
        while VectorMath.vectorRegisters >= 32 && j + 7 <= count {
            sevenKeys(a0, a1, a2, keys + j * d, d: d, scale: scale, into: o0 + j, o1 + j, o2 + j)
            j += 7
        }
        while j + 3 <= count {
            let k0 = keys + j * d, k1 = k0 + d, k2 = k1 + d
            var s00 = Vec(), s01 = Vec(), s02 = Vec()
            var s10 = Vec(), s11 = Vec(), s12 = Vec()
            var s20 = Vec(), s21 = Vec(), s22 = Vec()
            var t = 0
            while t < vectorEnd {
                let q0 = VectorMath.load(a0 + t), q1 = VectorMath.load(a1 + t), q2 = VectorMath.load(a2 + t)
                var x = VectorMath.load(k0 + t)
                s00.addProduct(q0, x); s10.addProduct(q1, x); s20.addProduct(q2, x)
                x = VectorMath.load(k1 + t)
                s01.addProduct(q0, x); s11.addProduct(q1, x); s21.addProduct(q2, x)
                x = VectorMath.load(k2 + t)
                s02.addProduct(q0, x); s12.addProduct(q1, x); s22.addProduct(q2, x)
                t += Vec.scalarCount
            }
            var r = VectorMath.laneSums(s00, s01, s02, s10, s11, s12, s20, s21), r22 = VectorMath.laneSum(s22)
            while t < d {
                r += SIMD8(a0[t], a0[t], a0[t], a1[t], a1[t], a1[t], a2[t], a2[t]) * SIMD8(k0[t], k1[t], k2[t], k0[t], k1[t], k2[t], k0[t], k1[t])
                r22 += a2[t] * k2[t]
                t += 1
            }
            r *= scale
            // Four-lane stores: each writes one value past its three, which the next block (or the row's next run)
            // overwrites; every output row has a slot of slack after its last run for the final block's.
            store4(r.lowHalf, o0 + j)
            store4(SIMD4(r[3], r[4], r[5], r[6]), o1 + j)
            store4(SIMD4(r[6], r[7], r22 * scale, 0), o2 + j)
            j += 3
        }
        if j + 2 <= count {
            let k0 = keys + j * d, k1 = k0 + d
            let r = pairDots(a0, a1, a2, (k0, k1, k0, k1, k0, k1), d: d, scale: scale)
            o0[j] = r[0]; o0[j + 1] = r[1]; o1[j] = r[2]; o1[j + 1] = r[3]; o2[j] = r[4]; o2[j + 1] = r[5]
            j += 2
        }
        while j < count {
            let k = keys + j * d
            var s0 = Vec(), s1 = Vec(), s2 = Vec()
            var t = 0
            while t < vectorEnd {
                let x = VectorMath.load(k + t)
                s0.addProduct(VectorMath.load(a0 + t), x)
                s1.addProduct(VectorMath.load(a1 + t), x)
                s2.addProduct(VectorMath.load(a2 + t), x)
                t += Vec.scalarCount
            }
            var r = VectorMath.laneSums(s0, s1, s2, Vec(), Vec(), Vec(), Vec(), Vec()).lowHalf
            while t < d { r += SIMD4(a0[t], a1[t], a2[t], 0) * k[t]; t += 1 }
            o0[j] = r[0] * scale; o1[j] = r[1] * scale; o2[j] = r[2] * scale
            j += 1
        }
    }

    /// Seven keys that all three queries score (their windows coincide, as at a frame's edges): 21 accumulators and
    /// 10 loads per 21 multiply-adds, three lane sums per 21 dots, where 3 × 3 passes load 16 per 21 and sum in five
    /// trees. Each query's seven sums are one 8-lane store; the eighth lane, 0, lands one slot past them.
    @inlinable @inline(__always)
    static func sevenKeys(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ keys: UnsafePointer<Float>, d: Int, scale: Float,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>
    ) {
        let vectorEnd = d & ~(Vec.scalarCount - 1)
        let k0 = keys, k1 = k0 + d, k2 = k1 + d, k3 = k2 + d, k4 = k3 + d, k5 = k4 + d, k6 = k5 + d
        var s00 = Vec(), s01 = Vec(), s02 = Vec(), s03 = Vec(), s04 = Vec(), s05 = Vec(), s06 = Vec()
        var s10 = Vec(), s11 = Vec(), s12 = Vec(), s13 = Vec(), s14 = Vec(), s15 = Vec(), s16 = Vec()
        var s20 = Vec(), s21 = Vec(), s22 = Vec(), s23 = Vec(), s24 = Vec(), s25 = Vec(), s26 = Vec()
        var t = 0
        while t < vectorEnd {
            let q0 = VectorMath.load(a0 + t), q1 = VectorMath.load(a1 + t), q2 = VectorMath.load(a2 + t)
            var x = VectorMath.load(k0 + t)
            s00.addProduct(q0, x); s10.addProduct(q1, x); s20.addProduct(q2, x)
            x = VectorMath.load(k1 + t)
            s01.addProduct(q0, x); s11.addProduct(q1, x); s21.addProduct(q2, x)
            x = VectorMath.load(k2 + t)
            s02.addProduct(q0, x); s12.addProduct(q1, x); s22.addProduct(q2, x)
            x = VectorMath.load(k3 + t)
            s03.addProduct(q0, x); s13.addProduct(q1, x); s23.addProduct(q2, x)
            x = VectorMath.load(k4 + t)
            s04.addProduct(q0, x); s14.addProduct(q1, x); s24.addProduct(q2, x)
            x = VectorMath.load(k5 + t)
            s05.addProduct(q0, x); s15.addProduct(q1, x); s25.addProduct(q2, x)
            x = VectorMath.load(k6 + t)
            s06.addProduct(q0, x); s16.addProduct(q1, x); s26.addProduct(q2, x)
            t += Vec.scalarCount
        }
        var r0 = VectorMath.laneSums(s00, s01, s02, s03, s04, s05, s06, Vec())
        var r1 = VectorMath.laneSums(s10, s11, s12, s13, s14, s15, s16, Vec())
        var r2 = VectorMath.laneSums(s20, s21, s22, s23, s24, s25, s26, Vec())
        while t < d {
            let x = SIMD8(k0[t], k1[t], k2[t], k3[t], k4[t], k5[t], k6[t], 0)
            r0 += x * a0[t]; r1 += x * a1[t]; r2 += x * a2[t]
            t += 1
        }
        store8(r0 * scale, o0)
        store8(r1 * scale, o1)
        store8(r2 * scale, o2)
    }

    /// o[j] = scale · a · keys_j for j < count: one query, seven keys per pass (one lane sum tree for a window row
    /// of seven, and an 8-lane store that writes one slot past them), then four, for blocks of one query, where
    /// `dots` would score the same row three times.
    @inlinable @inline(__always)
    static func dots(_ a: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, count: Int, d: Int, scale: Float,
                     into o: UnsafeMutablePointer<Float>) {
        let vectorEnd = d & ~(Vec.scalarCount - 1)
        var j = 0
        while j + 7 <= count {
            let k0 = keys + j * d, k1 = k0 + d, k2 = k1 + d, k3 = k2 + d, k4 = k3 + d, k5 = k4 + d, k6 = k5 + d
            var s0 = Vec(), s1 = Vec(), s2 = Vec(), s3 = Vec(), s4 = Vec(), s5 = Vec(), s6 = Vec()
            var t = 0
            while t < vectorEnd {
                let q = VectorMath.load(a + t)
                s0.addProduct(q, VectorMath.load(k0 + t)); s1.addProduct(q, VectorMath.load(k1 + t))
                s2.addProduct(q, VectorMath.load(k2 + t)); s3.addProduct(q, VectorMath.load(k3 + t))
                s4.addProduct(q, VectorMath.load(k4 + t)); s5.addProduct(q, VectorMath.load(k5 + t))
                s6.addProduct(q, VectorMath.load(k6 + t))
                t += Vec.scalarCount
            }
            var r = VectorMath.laneSums(s0, s1, s2, s3, s4, s5, s6, Vec())
            while t < d { r += SIMD8(k0[t], k1[t], k2[t], k3[t], k4[t], k5[t], k6[t], 0) * a[t]; t += 1 }
            store8(r * scale, o + j)
            j += 7
        }
        while j < count {
            // A last pass of fewer than four keys repeats the last one and drops the extra sums.
            let k0 = keys + j * d, k1 = keys + min(j + 1, count - 1) * d
            let k2 = keys + min(j + 2, count - 1) * d, k3 = keys + min(j + 3, count - 1) * d
            var s0 = Vec(), s1 = Vec(), s2 = Vec(), s3 = Vec()
            var t = 0
            while t < vectorEnd {
                let q = VectorMath.load(a + t)
                s0.addProduct(q, VectorMath.load(k0 + t)); s1.addProduct(q, VectorMath.load(k1 + t))
                s2.addProduct(q, VectorMath.load(k2 + t)); s3.addProduct(q, VectorMath.load(k3 + t))
                t += Vec.scalarCount
            }
            var r = VectorMath.laneSums(s0, s1, s2, s3, Vec(), Vec(), Vec(), Vec()).lowHalf
            while t < d { r += SIMD4(k0[t], k1[t], k2[t], k3[t]) * a[t]; t += 1 }
            r *= scale
            for i in 0..<min(4, count - j) { o[j + i] = r[i] }
            j += 4
        }
    }

    /// The dots of a staircase block: three queries whose windows of `width` keys start one column apart, over
    /// their run of `width + 2` keys. Query i needs keys i..<i + width only; the pairs outside the staircase are
    /// skipped, and their slots keep whatever they held, which the masked softmax ignores. Needs width ≥ 3.
    /// With 32 registers, chunks of seven window columns go through `staircaseChunk` and the rest (3 to 9 columns)
    /// through `narrowStaircase`, left to right, so that each part's stores past its own columns are overwritten by
    /// the next part or fall outside the windows.
    @inlinable @inline(__always)
    static func staircase(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ keys: UnsafePointer<Float>, width: Int, d: Int, scale: Float,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>
    ) {
        guard VectorMath.vectorRegisters >= 32 else {
            // Chunks of four window columns and then of three (12 and 9 accumulators); widths of 6 and more, 3 and 4
            // split that way, 5 does not.
            let threes = (4 - width % 4) % 4
            guard 3 * threes <= width else {
                narrowStaircase(a0, a1, a2, keys, width: width, d: d, scale: scale, into: o0, o1, o2)
                return
            }
            var column = 0
            while column < width - 3 * threes {
                staircaseChunk4(a0, a1, a2, keys + column * d, d: d, scale: scale, into: o0 + column, o1 + column, o2 + column)
                column += 4
            }
            while column < width {
                staircaseChunk3(a0, a1, a2, keys + column * d, d: d, scale: scale, into: o0 + column, o1 + column, o2 + column)
                column += 3
            }
            return
        }
        guard width >= 7 else {
            narrowStaircase(a0, a1, a2, keys, width: width, d: d, scale: scale, into: o0, o1, o2)
            return
        }
        var chunks = width / 7, rest = width % 7
        if rest == 1 || rest == 2 { chunks -= 1; rest += 7 }
        for chunk in 0..<chunks {
            let column = 7 * chunk
            staircaseChunk(a0, a1, a2, keys + column * d, d: d, scale: scale, into: o0 + column, o1 + column, o2 + column)
        }
        if rest > 0 {
            let column = 7 * chunks
            narrowStaircase(a0, a1, a2, keys + column * d, width: rest, d: d, scale: scale,
                            into: o0 + column, o1 + column, o2 + column)
        }
    }

    /// Seven window columns of a staircase in one pass: query i's dots with keys i..<i + 7 of nine, 21 accumulators,
    /// each key load feeding up to three of them, and each query's seven sums written as one 8-lane store (at its
    /// own first column; the eighth lane, 0, lands past them). Where the 3 × 3 blocks of `dots` and the two-key
    /// passes of `narrowStaircase` load 22 vectors for 21 multiply-adds and wait on 6-long chains, this loads 12.
    @inlinable @inline(__always)
    static func staircaseChunk(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ keys: UnsafePointer<Float>, d: Int, scale: Float,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>
    ) {
        let vectorEnd = d & ~(Vec.scalarCount - 1)
        let k0 = keys, k1 = k0 + d, k2 = k1 + d, k3 = k2 + d, k4 = k3 + d, k5 = k4 + d, k6 = k5 + d, k7 = k6 + d, k8 = k7 + d
        var s00 = Vec(), s01 = Vec(), s02 = Vec(), s03 = Vec(), s04 = Vec(), s05 = Vec(), s06 = Vec()
        var s10 = Vec(), s11 = Vec(), s12 = Vec(), s13 = Vec(), s14 = Vec(), s15 = Vec(), s16 = Vec()
        var s20 = Vec(), s21 = Vec(), s22 = Vec(), s23 = Vec(), s24 = Vec(), s25 = Vec(), s26 = Vec()
        var t = 0
        while t < vectorEnd {
            let q0 = VectorMath.load(a0 + t), q1 = VectorMath.load(a1 + t), q2 = VectorMath.load(a2 + t)
            var x = VectorMath.load(k0 + t)
            s00.addProduct(q0, x)
            x = VectorMath.load(k1 + t)
            s01.addProduct(q0, x); s10.addProduct(q1, x)
            x = VectorMath.load(k2 + t)
            s02.addProduct(q0, x); s11.addProduct(q1, x); s20.addProduct(q2, x)
            x = VectorMath.load(k3 + t)
            s03.addProduct(q0, x); s12.addProduct(q1, x); s21.addProduct(q2, x)
            x = VectorMath.load(k4 + t)
            s04.addProduct(q0, x); s13.addProduct(q1, x); s22.addProduct(q2, x)
            x = VectorMath.load(k5 + t)
            s05.addProduct(q0, x); s14.addProduct(q1, x); s23.addProduct(q2, x)
            x = VectorMath.load(k6 + t)
            s06.addProduct(q0, x); s15.addProduct(q1, x); s24.addProduct(q2, x)
            x = VectorMath.load(k7 + t)
            s16.addProduct(q1, x); s25.addProduct(q2, x)
            x = VectorMath.load(k8 + t)
            s26.addProduct(q2, x)
            t += Vec.scalarCount
        }
        var r0 = VectorMath.laneSums(s00, s01, s02, s03, s04, s05, s06, Vec())
        var r1 = VectorMath.laneSums(s10, s11, s12, s13, s14, s15, s16, Vec())
        var r2 = VectorMath.laneSums(s20, s21, s22, s23, s24, s25, s26, Vec())
        while t < d {
            r0 += SIMD8(k0[t], k1[t], k2[t], k3[t], k4[t], k5[t], k6[t], 0) * a0[t]
            r1 += SIMD8(k1[t], k2[t], k3[t], k4[t], k5[t], k6[t], k7[t], 0) * a1[t]
            r2 += SIMD8(k2[t], k3[t], k4[t], k5[t], k6[t], k7[t], k8[t], 0) * a2[t]
            t += 1
        }
        store8(r0 * scale, o0)
        store8(r1 * scale, o1 + 1)
        store8(r2 * scale, o2 + 2)
    }

    /// Four window columns of a staircase in one pass, for 16 registers: query i's dots with keys i..<i + 4 of six,
    /// 12 accumulators, 9 loads per 12 multiply-adds where the 3 × 3 blocks and two-key passes of `narrowStaircase`
    /// load 6 per 9 and 9 per 6. Each query's four sums are one four-lane store at its own first column.
    @inlinable @inline(__always)
    static func staircaseChunk4(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ keys: UnsafePointer<Float>, d: Int, scale: Float,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>
    ) {
        let vectorEnd = d & ~(Vec.scalarCount - 1)
        let k0 = keys, k1 = k0 + d, k2 = k1 + d, k3 = k2 + d, k4 = k3 + d, k5 = k4 + d
        var s00 = Vec(), s01 = Vec(), s02 = Vec(), s03 = Vec()
        var s10 = Vec(), s11 = Vec(), s12 = Vec(), s13 = Vec()
        var s20 = Vec(), s21 = Vec(), s22 = Vec(), s23 = Vec()
        var t = 0
        while t < vectorEnd {
            let q0 = VectorMath.load(a0 + t), q1 = VectorMath.load(a1 + t), q2 = VectorMath.load(a2 + t)
            var x = VectorMath.load(k0 + t)
            s00.addProduct(q0, x)
            x = VectorMath.load(k1 + t)
            s01.addProduct(q0, x); s10.addProduct(q1, x)
            x = VectorMath.load(k2 + t)
            s02.addProduct(q0, x); s11.addProduct(q1, x); s20.addProduct(q2, x)
            x = VectorMath.load(k3 + t)
            s03.addProduct(q0, x); s12.addProduct(q1, x); s21.addProduct(q2, x)
            x = VectorMath.load(k4 + t)
            s13.addProduct(q1, x); s22.addProduct(q2, x)
            x = VectorMath.load(k5 + t)
            s23.addProduct(q2, x)
            t += Vec.scalarCount
        }
        var r01 = VectorMath.laneSums(s00, s01, s02, s03, s10, s11, s12, s13)
        var r2 = VectorMath.laneSums(s20, s21, s22, s23, Vec(), Vec(), Vec(), Vec()).lowHalf
        while t < d {
            r01 += SIMD8(k0[t], k1[t], k2[t], k3[t], k1[t], k2[t], k3[t], k4[t]) * SIMD8(lowHalf: SIMD4(repeating: a0[t]), highHalf: SIMD4(repeating: a1[t]))
            r2 += SIMD4(k2[t], k3[t], k4[t], k5[t]) * a2[t]
            t += 1
        }
        r01 *= scale
        store4(r01.lowHalf, o0)
        store4(r01.highHalf, o1 + 1)
        store4(r2 * scale, o2 + 2)
    }

    /// `staircaseChunk4` for three window columns: 9 accumulators, 8 loads per 9 multiply-adds. Its four-lane stores
    /// write one slot past each query's three, which the next chunk overwrites or which lies outside the window.
    @inlinable @inline(__always)
    static func staircaseChunk3(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ keys: UnsafePointer<Float>, d: Int, scale: Float,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>
    ) {
        let vectorEnd = d & ~(Vec.scalarCount - 1)
        let k0 = keys, k1 = k0 + d, k2 = k1 + d, k3 = k2 + d, k4 = k3 + d
        var s00 = Vec(), s01 = Vec(), s02 = Vec()
        var s10 = Vec(), s11 = Vec(), s12 = Vec()
        var s20 = Vec(), s21 = Vec(), s22 = Vec()
        var t = 0
        while t < vectorEnd {
            let q0 = VectorMath.load(a0 + t), q1 = VectorMath.load(a1 + t), q2 = VectorMath.load(a2 + t)
            var x = VectorMath.load(k0 + t)
            s00.addProduct(q0, x)
            x = VectorMath.load(k1 + t)
            s01.addProduct(q0, x); s10.addProduct(q1, x)
            x = VectorMath.load(k2 + t)
            s02.addProduct(q0, x); s11.addProduct(q1, x); s20.addProduct(q2, x)
            x = VectorMath.load(k3 + t)
            s12.addProduct(q1, x); s21.addProduct(q2, x)
            x = VectorMath.load(k4 + t)
            s22.addProduct(q2, x)
            t += Vec.scalarCount
        }
        var r = VectorMath.laneSums(s00, s01, s02, s10, s11, s12, s20, s21), r22 = VectorMath.laneSum(s22)
        while t < d {
            r += SIMD8(k0[t], k1[t], k2[t], k1[t], k2[t], k3[t], k2[t], k3[t]) * SIMD8(a0[t], a0[t], a0[t], a1[t], a1[t], a1[t], a2[t], a2[t])
            r22 += a2[t] * k4[t]
            t += 1
        }
        r *= scale
        store4(r.lowHalf, o0)
        store4(SIMD4(r[3], r[4], r[5], 0), o1 + 1)
        store4(SIMD4(r[6], r[7], r22 * scale, 0), o2 + 2)
    }

    /// `staircase` as a 3 × 3 block pass over the keys all three queries share (2..<width) and one pass for the
    /// six edge dots. At width 7, 21 % of the band is skipped.
    @inlinable @inline(__always)
    static func narrowStaircase(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ keys: UnsafePointer<Float>, width: Int, d: Int, scale: Float,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>
    ) {
        // Keys 2..<width serve all three queries; their four-lane stores spill at most up to slot width, written below.
        dots(a0, a1, a2, keys + 2 * d, count: width - 2, d: d, scale: scale, into: o0 + 2, o1 + 2, o2 + 2)
        // The edges: keys 0 and 1 of query 0, key 1 of query 1; key `width` of queries 1 and 2, key width + 1 of query 2.
        let k0 = keys, k1 = keys + d, kw = keys + width * d, kx = kw + d
        let r = pairDots(a0, a1, a2, (k0, k1, k1, kw, kw, kx), d: d, scale: scale)
        o0[0] = r[0]; o0[1] = r[1]; o1[1] = r[2]
        o1[width] = r[3]; o2[width] = r[4]; o2[width + 1] = r[5]
    }

    /// Two dots per query, each query with its own pair of keys: lanes scale · (a0·k[0], a0·k[1], a1·k[2], a1·k[3],
    /// a2·k[4], a2·k[5], 0, 0). A key passed twice is loaded once (the loads of one address merge once inlined).
    @inlinable @inline(__always)
    static func pairDots(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
        _ k: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
              UnsafePointer<Float>, UnsafePointer<Float>),
        d: Int, scale: Float
    ) -> SIMD8<Float> {
        let vectorEnd = d & ~(Vec.scalarCount - 1)
        var s0 = Vec(), s1 = Vec(), s2 = Vec(), s3 = Vec(), s4 = Vec(), s5 = Vec()
        var t = 0
        while t < vectorEnd {
            let q0 = VectorMath.load(a0 + t), q1 = VectorMath.load(a1 + t), q2 = VectorMath.load(a2 + t)
            s0.addProduct(q0, VectorMath.load(k.0 + t)); s1.addProduct(q0, VectorMath.load(k.1 + t))
            s2.addProduct(q1, VectorMath.load(k.2 + t)); s3.addProduct(q1, VectorMath.load(k.3 + t))
            s4.addProduct(q2, VectorMath.load(k.4 + t)); s5.addProduct(q2, VectorMath.load(k.5 + t))
            t += Vec.scalarCount
        }
        var r = VectorMath.laneSums(s0, s1, s2, s3, s4, s5, Vec(), Vec())
        while t < d {
            r += SIMD8(a0[t], a0[t], a1[t], a1[t], a2[t], a2[t], 0, 0) * SIMD8(k.0[t], k.1[t], k.2[t], k.3[t], k.4[t], k.5[t], 0, 0)
            t += 1
        }
        return r * scale
    }

    @inlinable @inline(__always)
    static func store8(_ x: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    static func store4(_ x: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD4<Float>.self)
    }
}
