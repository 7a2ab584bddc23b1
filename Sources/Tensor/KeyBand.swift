/// Weighted sums between three query rows and a band of key rows: `runs` runs of `runLength` consecutive rows, the
/// runs `runStride` rows apart (a band of window rows in a row-major key grid). Weights are per query, laid out like
/// the band (run by run), and zero where a key lies outside the query's own window; `weightStep` and `runWeightStep`
/// spread them (a row's weights that far apart, a run's that far from the last), for the transposed scores of
/// `FrameForward`.
@usableFromInline
enum KeyBand {
    @inlinable @inline(__always)
    static var lanes: Int { Vec.scalarCount }

    /// o_i = scales_i · Σ_u p_i[u] · rows_u for i < 3: the three sums stay in registers across the whole band, so each
    /// row load feeds three queries and the outputs are written once. Weight and output rows may repeat.
    @inlinable @inline(__always)
    static func combine(
        _ p0: UnsafePointer<Float>, _ p1: UnsafePointer<Float>, _ p2: UnsafePointer<Float>,
        rows: UnsafePointer<Float>, width: Int, runs: Int, runLength: Int, runStride: Int, scaledBy scales: SIMD3<Float>,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>,
        fromColumn start: Int = 0, weightStep step: Int = 1, runWeightStep: Int? = nil
    ) {
        let f0 = Vec(repeating: scales[0]), f1 = Vec(repeating: scales[1]), f2 = Vec(repeating: scales[2])
        let runStep = runWeightStep ?? runLength
        var c = start
        while c + 4 * lanes <= width {
            var a00 = Vec(), a01 = Vec(), a02 = Vec(), a03 = Vec()
            var a10 = Vec(), a11 = Vec(), a12 = Vec(), a13 = Vec()
            var a20 = Vec(), a21 = Vec(), a22 = Vec(), a23 = Vec()
            for run in 0..<runs {
                var x = rows + run * runStride * width + c, u = run * runStep
                for _ in 0..<runLength {
                    let w0 = Vec(repeating: p0[u]), w1 = Vec(repeating: p1[u]), w2 = Vec(repeating: p2[u])
                    var v = VectorMath.load(x)
                    a00.addProduct(w0, v); a10.addProduct(w1, v); a20.addProduct(w2, v)
                    v = VectorMath.load(x + lanes)
                    a01.addProduct(w0, v); a11.addProduct(w1, v); a21.addProduct(w2, v)
                    v = VectorMath.load(x + 2 * lanes)
                    a02.addProduct(w0, v); a12.addProduct(w1, v); a22.addProduct(w2, v)
                    v = VectorMath.load(x + 3 * lanes)
                    a03.addProduct(w0, v); a13.addProduct(w1, v); a23.addProduct(w2, v)
                    x += width
                    u &+= step
                }
            }
            VectorMath.store(a00 * f0, o0 + c); VectorMath.store(a01 * f0, o0 + c + lanes)
            VectorMath.store(a02 * f0, o0 + c + 2 * lanes); VectorMath.store(a03 * f0, o0 + c + 3 * lanes)
            VectorMath.store(a10 * f1, o1 + c); VectorMath.store(a11 * f1, o1 + c + lanes)
            VectorMath.store(a12 * f1, o1 + c + 2 * lanes); VectorMath.store(a13 * f1, o1 + c + 3 * lanes)
            VectorMath.store(a20 * f2, o2 + c); VectorMath.store(a21 * f2, o2 + c + lanes)
            VectorMath.store(a22 * f2, o2 + c + 2 * lanes); VectorMath.store(a23 * f2, o2 + c + 3 * lanes)
            c += 4 * lanes
        }
        while c + lanes <= width {
            var a0 = Vec(), a1 = Vec(), a2 = Vec()
            for run in 0..<runs {
                let first = rows + run * runStride * width + c, u0 = run * runStep
                for u in 0..<runLength {
                    let v = VectorMath.load(first + u * width), w = u0 + u * step
                    a0.addProduct(Vec(repeating: p0[w]), v)
                    a1.addProduct(Vec(repeating: p1[w]), v)
                    a2.addProduct(Vec(repeating: p2[w]), v)
                }
            }
            VectorMath.store(a0 * f0, o0 + c); VectorMath.store(a1 * f1, o1 + c); VectorMath.store(a2 * f2, o2 + c)
            c += lanes
        }
        while c < width {
            var a = SIMD4<Float>()
            for run in 0..<runs {
                let first = rows + run * runStride * width + c, u0 = run * runStep
                for u in 0..<runLength {
                    let w = u0 + u * step
                    a += SIMD4(p0[w], p1[w], p2[w], 0) * first[u * width]
                }
            }
            o0[c] = a[0] * scales[0]; o1[c] = a[1] * scales[1]; o2[c] = a[2] * scales[2]
            c += 1
        }
    }

    /// o = scale · Σ_u p[u] · rows_u: `combine` for one query, eight vectors of its output per pass.
    @inlinable @inline(__always)
    static func combine(
        _ p: UnsafePointer<Float>, rows: UnsafePointer<Float>, width: Int, runs: Int, runLength: Int, runStride: Int,
        scaledBy scale: Float, into o: UnsafeMutablePointer<Float>, weightStep step: Int = 1, runWeightStep: Int? = nil
    ) {
        let f = Vec(repeating: scale)
        let runStep = runWeightStep ?? runLength
        var c = 0
        while c + 8 * lanes <= width {
            var a0 = Vec(), a1 = Vec(), a2 = Vec(), a3 = Vec(), a4 = Vec(), a5 = Vec(), a6 = Vec(), a7 = Vec()
            for run in 0..<runs {
                var x = rows + run * runStride * width + c, u = run * runStep
                for _ in 0..<runLength {
                    let w = Vec(repeating: p[u])
                    a0.addProduct(w, VectorMath.load(x)); a1.addProduct(w, VectorMath.load(x + lanes))
                    a2.addProduct(w, VectorMath.load(x + 2 * lanes)); a3.addProduct(w, VectorMath.load(x + 3 * lanes))
                    a4.addProduct(w, VectorMath.load(x + 4 * lanes)); a5.addProduct(w, VectorMath.load(x + 5 * lanes))
                    a6.addProduct(w, VectorMath.load(x + 6 * lanes)); a7.addProduct(w, VectorMath.load(x + 7 * lanes))
                    x += width
                    u &+= step
                }
            }
            VectorMath.store(a0 * f, o + c); VectorMath.store(a1 * f, o + c + lanes)
            VectorMath.store(a2 * f, o + c + 2 * lanes); VectorMath.store(a3 * f, o + c + 3 * lanes)
            VectorMath.store(a4 * f, o + c + 4 * lanes); VectorMath.store(a5 * f, o + c + 5 * lanes)
            VectorMath.store(a6 * f, o + c + 6 * lanes); VectorMath.store(a7 * f, o + c + 7 * lanes)
            c += 8 * lanes
        }
        // The rest a vector, then a lane, at a time: one accumulator, so a chain of multiply-adds, rare enough.
        while c + lanes <= width {
            var a = Vec()
            for run in 0..<runs {
                let first = rows + run * runStride * width + c, u0 = run * runStep
                for u in 0..<runLength { a.addProduct(Vec(repeating: p[u0 + u * step]), VectorMath.load(first + u * width)) }
            }
            VectorMath.store(a * f, o + c)
            c += lanes
        }
        while c < width {
            var a: Float = 0
            for run in 0..<runs {
                let first = rows + run * runStride * width + c, u0 = run * runStep
                for u in 0..<runLength { a += p[u0 + u * step] * first[u * width] }
            }
            o[c] = a * scale
            c += 1
        }
    }

    /// `combine` for a staircase block (see `KeyDots.staircase`): runs of `windowWidth + 2` rows, of which query 0
    /// weighs the first `windowWidth`, query 1 the next, query 2 the last; the two rows at each end skip the queries
    /// that do not weigh them. The register block repeats `combine`'s on purpose: shared through a struct of the
    /// twelve accumulators with per-query weights optional (or flagged), it measured 10 % (50 %) slower.
    /// With 16 registers the two rows weighed by two queries go through the three-query loop instead (the third
    /// weight is zero there): written out, their two weights and four values beside twelve accumulators spilled,
    /// and the whole forward pass ran 5–8 % slower than the plain `combine` over all `windowWidth + 2` rows.
    @inlinable @inline(__always)
    static func combineStaircase(
        _ p0: UnsafePointer<Float>, _ p1: UnsafePointer<Float>, _ p2: UnsafePointer<Float>,
        rows: UnsafePointer<Float>, width: Int, runs: Int, windowWidth: Int, runStride: Int, scaledBy scales: SIMD3<Float>,
        into o0: UnsafeMutablePointer<Float>, _ o1: UnsafeMutablePointer<Float>, _ o2: UnsafeMutablePointer<Float>,
        weightStep step: Int = 1, runWeightStep: Int? = nil
    ) {
        let f0 = Vec(repeating: scales[0]), f1 = Vec(repeating: scales[1]), f2 = Vec(repeating: scales[2])
        let runLength = windowWidth + 2, runStep = runWeightStep ?? runLength
        let exact = VectorMath.vectorRegisters >= 32
        var c = 0
        while c + 4 * lanes <= width {
            var a00 = Vec(), a01 = Vec(), a02 = Vec(), a03 = Vec()
            var a10 = Vec(), a11 = Vec(), a12 = Vec(), a13 = Vec()
            var a20 = Vec(), a21 = Vec(), a22 = Vec(), a23 = Vec()
            for run in 0..<runs {
                var x = rows + run * runStride * width + c
                let u = run * runStep
                let first = Vec(repeating: p0[u])
                a00.addProduct(first, VectorMath.load(x)); a01.addProduct(first, VectorMath.load(x + lanes))
                a02.addProduct(first, VectorMath.load(x + 2 * lanes)); a03.addProduct(first, VectorMath.load(x + 3 * lanes))
                x += width
                if exact {
                    let w0 = Vec(repeating: p0[u + step])
                    let w1 = Vec(repeating: p1[u + step])
                    var v = VectorMath.load(x)
                    a00.addProduct(w0, v); a10.addProduct(w1, v)
                    v = VectorMath.load(x + lanes)
                    a01.addProduct(w0, v); a11.addProduct(w1, v)
                    v = VectorMath.load(x + 2 * lanes)
                    a02.addProduct(w0, v); a12.addProduct(w1, v)
                    v = VectorMath.load(x + 3 * lanes)
                    a03.addProduct(w0, v); a13.addProduct(w1, v)
                    x += width
                }
                for column in (exact ? 2 : 1)..<windowWidth + (exact ? 0 : 1) {
                    let k = u + column * step
                    let w0 = Vec(repeating: p0[k]), w1 = Vec(repeating: p1[k]), w2 = Vec(repeating: p2[k])
                    var v = VectorMath.load(x)
                    a00.addProduct(w0, v); a10.addProduct(w1, v); a20.addProduct(w2, v)
                    v = VectorMath.load(x + lanes)
                    a01.addProduct(w0, v); a11.addProduct(w1, v); a21.addProduct(w2, v)
                    v = VectorMath.load(x + 2 * lanes)
                    a02.addProduct(w0, v); a12.addProduct(w1, v); a22.addProduct(w2, v)
                    v = VectorMath.load(x + 3 * lanes)
                    a03.addProduct(w0, v); a13.addProduct(w1, v); a23.addProduct(w2, v)
                    x += width
                }
                if exact {
                    let w1 = Vec(repeating: p1[u + windowWidth * step]), w2 = Vec(repeating: p2[u + windowWidth * step])
                    var v = VectorMath.load(x)
                    a10.addProduct(w1, v); a20.addProduct(w2, v)
                    v = VectorMath.load(x + lanes)
                    a11.addProduct(w1, v); a21.addProduct(w2, v)
                    v = VectorMath.load(x + 2 * lanes)
                    a12.addProduct(w1, v); a22.addProduct(w2, v)
                    v = VectorMath.load(x + 3 * lanes)
                    a13.addProduct(w1, v); a23.addProduct(w2, v)
                    x += width
                }
                let w2 = Vec(repeating: p2[u + (windowWidth + 1) * step])
                a20.addProduct(w2, VectorMath.load(x)); a21.addProduct(w2, VectorMath.load(x + lanes))
                a22.addProduct(w2, VectorMath.load(x + 2 * lanes)); a23.addProduct(w2, VectorMath.load(x + 3 * lanes))
            }
            VectorMath.store(a00 * f0, o0 + c); VectorMath.store(a01 * f0, o0 + c + lanes)
            VectorMath.store(a02 * f0, o0 + c + 2 * lanes); VectorMath.store(a03 * f0, o0 + c + 3 * lanes)
            VectorMath.store(a10 * f1, o1 + c); VectorMath.store(a11 * f1, o1 + c + lanes)
            VectorMath.store(a12 * f1, o1 + c + 2 * lanes); VectorMath.store(a13 * f1, o1 + c + 3 * lanes)
            VectorMath.store(a20 * f2, o2 + c); VectorMath.store(a21 * f2, o2 + c + lanes)
            VectorMath.store(a22 * f2, o2 + c + 2 * lanes); VectorMath.store(a23 * f2, o2 + c + 3 * lanes)
            c += 4 * lanes
        }
        if c < width {
            combine(p0, p1, p2, rows: rows, width: width, runs: runs, runLength: runLength, runStride: runStride,
                    scaledBy: scales, into: o0, o1, o2, fromColumn: c, weightStep: step, runWeightStep: runStep)
        }
    }

    /// rows_u += Σ_i p_i[u] · x_i for every row u of the band: the three query rows stay in registers for a slice
    /// two vectors wide while the band streams past, so each band row is read and written once per slice, not once
    /// per query. A short block passes zero weights for its missing queries.
    @inlinable @inline(__always)
    static func scatter(
        _ p0: UnsafePointer<Float>, _ p1: UnsafePointer<Float>, _ p2: UnsafePointer<Float>,
        _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ x2: UnsafePointer<Float>,
        into rows: UnsafeMutablePointer<Float>, width: Int, runs: Int, runLength: Int, runStride: Int
    ) {
        var c = 0
        // With 32 registers, slices four vectors wide: the twelve query vectors stay in registers, and each weight
        // broadcast feeds four multiply-adds instead of two.
        while VectorMath.vectorRegisters >= 32 && c + 4 * lanes <= width {
            let x00 = VectorMath.load(x0 + c), x01 = VectorMath.load(x0 + c + lanes)
            let x02 = VectorMath.load(x0 + c + 2 * lanes), x03 = VectorMath.load(x0 + c + 3 * lanes)
            let x10 = VectorMath.load(x1 + c), x11 = VectorMath.load(x1 + c + lanes)
            let x12 = VectorMath.load(x1 + c + 2 * lanes), x13 = VectorMath.load(x1 + c + 3 * lanes)
            let x20 = VectorMath.load(x2 + c), x21 = VectorMath.load(x2 + c + lanes)
            let x22 = VectorMath.load(x2 + c + 2 * lanes), x23 = VectorMath.load(x2 + c + 3 * lanes)
            for run in 0..<runs {
                var y = rows + run * runStride * width + c, u = run * runLength
                for _ in 0..<runLength {
                    let w0 = Vec(repeating: p0[u]), w1 = Vec(repeating: p1[u]), w2 = Vec(repeating: p2[u])
                    var y0 = VectorMath.load(y), y1 = VectorMath.load(y + lanes)
                    var y2 = VectorMath.load(y + 2 * lanes), y3 = VectorMath.load(y + 3 * lanes)
                    y0.addProduct(w0, x00); y1.addProduct(w0, x01); y2.addProduct(w0, x02); y3.addProduct(w0, x03)
                    y0.addProduct(w1, x10); y1.addProduct(w1, x11); y2.addProduct(w1, x12); y3.addProduct(w1, x13)
                    y0.addProduct(w2, x20); y1.addProduct(w2, x21); y2.addProduct(w2, x22); y3.addProduct(w2, x23)
                    VectorMath.store(y0, y); VectorMath.store(y1, y + lanes)
                    VectorMath.store(y2, y + 2 * lanes); VectorMath.store(y3, y + 3 * lanes)
                    y += width
                    u &+= 1
                }
            }
            c += 4 * lanes
        }
        while c + 2 * lanes <= width {
            let x00 = VectorMath.load(x0 + c), x01 = VectorMath.load(x0 + c + lanes)
            let x10 = VectorMath.load(x1 + c), x11 = VectorMath.load(x1 + c + lanes)
            let x20 = VectorMath.load(x2 + c), x21 = VectorMath.load(x2 + c + lanes)
            for run in 0..<runs {
                var y = rows + run * runStride * width + c, u = run * runLength
                for _ in 0..<runLength {
                    let w0 = Vec(repeating: p0[u]), w1 = Vec(repeating: p1[u]), w2 = Vec(repeating: p2[u])
                    var y0 = VectorMath.load(y), y1 = VectorMath.load(y + lanes)
                    y0.addProduct(w0, x00); y1.addProduct(w0, x01)
                    y0.addProduct(w1, x10); y1.addProduct(w1, x11)
                    y0.addProduct(w2, x20); y1.addProduct(w2, x21)
                    VectorMath.store(y0, y); VectorMath.store(y1, y + lanes)
                    y += width
                    u &+= 1
                }
            }
            c += 2 * lanes
        }
        while c + lanes <= width {
            let a = VectorMath.load(x0 + c), b = VectorMath.load(x1 + c), e = VectorMath.load(x2 + c)
            for run in 0..<runs {
                let first = rows + run * runStride * width + c, u0 = run * runLength
                for u in 0..<runLength {
                    let y = first + u * width
                    var s = VectorMath.load(y)
                    s.addProduct(Vec(repeating: p0[u0 + u]), a)
                    s.addProduct(Vec(repeating: p1[u0 + u]), b)
                    s.addProduct(Vec(repeating: p2[u0 + u]), e)
                    VectorMath.store(s, y)
                }
            }
            c += lanes
        }
        while c < width {
            let x = SIMD4(x0[c], x1[c], x2[c], 0)
            for run in 0..<runs {
                let first = rows + run * runStride * width + c, u0 = run * runLength
                for u in 0..<runLength {
                    first[u * width] += (SIMD4(p0[u0 + u], p1[u0 + u], p2[u0 + u], 0) * x).sum()
                }
            }
            c += 1
        }
    }
}
