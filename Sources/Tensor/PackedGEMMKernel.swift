/// The engine's own single-threaded SGEMM (row-major, the same contract as one `cblas_sgemm` call); `PackedGEMM`
/// is its interface. `TensorAVX512` compiles this file a second time, 16 lanes wide.
///
/// The classic layout (Goto & van de Geijn): op(B) is packed in panels of `depth` rows × two vectors of columns
/// (16 at 8 lanes, 32 at 16), op(A) in strips of 6 rows × `depth`, and a 6-row register tile (twelve vector
/// accumulators) runs over one strip and one panel. Packing absorbs the transposes and pads the edges with zeros,
/// so the tile kernel has one shape.
enum PackedGEMMKernel {
    static let tileRows = 6
    @inline(__always)
    static var tileColumns: Int { 2 * Vec.scalarCount }
    /// Depth of one packed block: the rows of a panel of B that fill 16 KiB (256 at 8 lanes, 128 at 16), which
    /// stay in L1 while a strip of A streams past.
    @inline(__always)
    static var depth: Int { 2048 / Vec.scalarCount }
    /// Rows of A packed at a time (96 × `depth` floats, 96 KiB at 8 lanes and 48 at 16, for L2).
    static let rowBlock = 96
    /// Columns of B packed at a time (`depth` × 2048 floats, 2 MiB at 8 lanes and 1 at 16).
    static let columnBlock = 2048

    @inline(__always)
    static func multiply(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            scale(c, ldc: ldc, m: m, n: n, by: beta)
            return
        }
        let nBlock = min(columnBlock, roundUp(n, tileColumns)), kBlock = min(depth, k), mBlock = min(rowBlock, roundUp(m, tileRows))
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kBlock * nBlock)
        // 2 floats of slack: `packA` stores 8 where a strip's last value is 6.
        let packedA = UnsafeMutablePointer<Float>.allocate(capacity: mBlock * kBlock + 2)
        defer { packedB.deallocate(); packedA.deallocate() }
        for j0 in stride(from: 0, to: n, by: nBlock) {
            let nb = min(nBlock, n - j0)
            for p0 in stride(from: 0, to: k, by: kBlock) {
                let kb = min(kBlock, k - p0)
                // Later depth blocks add to what the first wrote.
                let blockBeta = p0 == 0 ? beta : 1
                packB(transB, b, ldb, rows: p0, kb, columns: j0, nb, into: packedB)
                for i0 in stride(from: 0, to: m, by: mBlock) {
                    let mb = min(mBlock, m - i0)
                    packA(transA, a, lda, rows: i0, mb, columns: p0, kb, into: packedA)
                    for jt in stride(from: 0, to: nb, by: tileColumns) {
                        let panel = packedB + jt * kb
                        for it in stride(from: 0, to: mb, by: tileRows) {
                            tile(kb, packedA + it * kb, panel, c + (i0 + it) * ldc + j0 + jt, ldc,
                                 rows: min(tileRows, mb - it), columns: min(tileColumns, nb - jt), alpha: alpha, beta: blockBeta)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func roundUp(_ x: Int, _ multiple: Int) -> Int { (x + multiple - 1) / multiple * multiple }

    /// C ← beta·C (beta 0 writes zeros, whatever C held, as BLAS does).
    static func scale(_ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, by beta: Float) {
        for i in 0..<m {
            for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
    }

    /// op(B)[p0 ..< p0+kb, j0 ..< j0+nb] as panels of `tileColumns` columns: panel t holds, for each p, its
    /// values (zeros past column nb). // [nb/tileColumns, kb, tileColumns]
    @inline(__always)
    static func packB(_ trans: Bool, _ b: UnsafePointer<Float>, _ ldb: Int, rows p0: Int, _ kb: Int, columns j0: Int, _ nb: Int,
                      into out: UnsafeMutablePointer<Float>) {
        for jt in stride(from: 0, to: nb, by: tileColumns) {
            let width = min(tileColumns, nb - jt), panel = out + jt * kb
            if !trans && width == tileColumns {
                for p in 0..<kb {
                    let row = b + (p0 + p) * ldb + j0 + jt
                    VectorMath.store(VectorMath.load(row), panel + p * tileColumns)
                    VectorMath.store(VectorMath.load(row + Vec.scalarCount), panel + p * tileColumns + Vec.scalarCount)
                }
                continue
            }
            var first = 0
            if trans {
                // op(B)'s columns are rows of b: 8 of them × 8 values of p at a time, transposed in registers.
                first = kb & ~7
                for j8 in stride(from: 0, to: tileColumns, by: 8) {
                    let live = width - j8
                    for p in stride(from: 0, to: first, by: 8) {
                        let block = Transpose8.load { l in l < live ? b + (j0 + jt + j8 + l) * ldb + p0 + p : nil }
                        Transpose8.store(Transpose8.transposed(block), panel + p * tileColumns + j8, stride: tileColumns)
                    }
                }
            }
            for p in first..<kb {
                let slot = panel + p * tileColumns
                for j in 0..<tileColumns {
                    slot[j] = j >= width ? 0 : trans ? b[(j0 + jt + j) * ldb + p0 + p] : b[(p0 + p) * ldb + j0 + jt + j]
                }
            }
        }
    }

    /// op(A)[i0 ..< i0+mb, p0 ..< p0+kb] as strips of 6 rows: strip t holds, for each p, its 6 values (zeros past
    /// row mb). // [mb/6, kb, 6]
    @inline(__always)
    static func packA(_ trans: Bool, _ a: UnsafePointer<Float>, _ lda: Int, rows i0: Int, _ mb: Int, columns p0: Int, _ kb: Int,
                      into out: UnsafeMutablePointer<Float>) {
        for it in stride(from: 0, to: mb, by: tileRows) {
            let height = min(tileRows, mb - it), strip = out + it * kb
            if trans {
                for p in 0..<kb {
                    let column = a + (p0 + p) * lda + i0 + it
                    for i in 0..<tileRows { strip[p * tileRows + i] = i < height ? column[i] : 0 }
                }
                continue
            }
            // The strip's rows, 8 values of p at a time, transposed in registers (rows 6 and 7 are zeros); each
            // p's 8 stored values overrun its 6 into the next p's, which the next store writes, and past the
            // strip's last p into the next strip's first (packed next) or the buffer's slack.
            let first = kb & ~7
            for p in stride(from: 0, to: first, by: 8) {
                let block = Transpose8.load { i in i < height ? a + (i0 + it + i) * lda + p0 + p : nil }
                Transpose8.store(Transpose8.transposed(block), strip + p * tileRows, stride: tileRows)
            }
            for p in first..<kb {
                for i in 0..<tileRows { strip[p * tileRows + i] = i < height ? a[(i0 + it + i) * lda + p0 + p] : 0 }
            }
        }
    }

    /// C[rows, columns] ← alpha · strip · panel + beta · C for one 6 × `tileColumns` tile (fewer rows or columns at
    /// the edges).
    @inline(__always)
    static func tile(_ kb: Int, _ strip: UnsafePointer<Float>, _ panel: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                     _ ldc: Int, rows: Int, columns: Int, alpha: Float, beta: Float) {
        var c00 = Vec(), c01 = Vec(), c10 = Vec(), c11 = Vec(), c20 = Vec(), c21 = Vec()
        var c30 = Vec(), c31 = Vec(), c40 = Vec(), c41 = Vec(), c50 = Vec(), c51 = Vec()
        var a = strip, b = panel
        for _ in 0..<kb {
            let b0 = VectorMath.load(b), b1 = VectorMath.load(b + Vec.scalarCount)
            var x = Vec(repeating: a[0])
            c00.addProduct(x, b0); c01.addProduct(x, b1)
            x = Vec(repeating: a[1])
            c10.addProduct(x, b0); c11.addProduct(x, b1)
            x = Vec(repeating: a[2])
            c20.addProduct(x, b0); c21.addProduct(x, b1)
            x = Vec(repeating: a[3])
            c30.addProduct(x, b0); c31.addProduct(x, b1)
            x = Vec(repeating: a[4])
            c40.addProduct(x, b0); c41.addProduct(x, b1)
            x = Vec(repeating: a[5])
            c50.addProduct(x, b0); c51.addProduct(x, b1)
            a += tileRows
            b += tileColumns
        }
        let av = Vec(repeating: alpha), bv = Vec(repeating: beta)
        if rows == tileRows && columns == tileColumns {
            @inline(__always) func put(_ r: Int, _ lo: Vec, _ hi: Vec) {
                let row = c + r * ldc
                if beta == 0 {
                    VectorMath.store(av * lo, row)
                    VectorMath.store(av * hi, row + Vec.scalarCount)
                } else {
                    VectorMath.store(av * lo + bv * VectorMath.load(row), row)
                    VectorMath.store(av * hi + bv * VectorMath.load(row + Vec.scalarCount), row + Vec.scalarCount)
                }
            }
            put(0, c00, c01); put(1, c10, c11); put(2, c20, c21); put(3, c30, c31); put(4, c40, c41); put(5, c50, c51)
            return
        }
        withUnsafeTemporaryAllocation(of: Vec.self, capacity: 2 * tileRows) { edge in
            edge[0] = c00; edge[1] = c01; edge[2] = c10; edge[3] = c11; edge[4] = c20; edge[5] = c21
            edge[6] = c30; edge[7] = c31; edge[8] = c40; edge[9] = c41; edge[10] = c50; edge[11] = c51
            for r in 0..<rows {
                let row = c + r * ldc
                for j in 0..<columns {
                    let value = alpha * edge[2 * r + j / Vec.scalarCount][j % Vec.scalarCount]
                    row[j] = beta == 0 ? value : value + beta * row[j]
                }
            }
        }
    }
}
