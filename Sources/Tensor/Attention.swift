import Foundation

/// Scaled dot-product attention, blocked with a streaming softmax (FlashAttention's schedule on a CPU): scores exist
/// only one [queryBlock, keyBlock] tile at a time, so memory is O(N·d) and the tiles stay in cache.
public enum Attention {
    public static let queryBlock = 64
    public static let keyBlock = 256
    /// The forward's tiles are larger: each tile is two BLAS calls that pack their operands afresh, and a taller,
    /// wider tile spreads that packing over more multiply-adds (about 10% faster at d = 128, 4096 tokens).
    public static let forwardQueryBlock = 256
    public static let forwardKeyBlock = 512

    /// q [B, Nq, d], k [B, Nk, d], v [B, Nk, dv] → out [B, Nq, dv] = softmax(scale · q kᵀ) v, and the log-sum-exp
    /// of each scaled score row [B, Nq] (what the backward needs to rebuild probabilities).
    public static func forward(q: Tensor, k: Tensor, v: Tensor, scale: Float) -> (out: Tensor, logSumExp: Tensor) {
        precondition(q.rank == 3 && k.rank == 3 && v.rank == 3, "attention takes [B, N, d] tensors")
        let batch = q.shape[0], nq = q.shape[1], d = q.shape[2], nk = k.shape[1], dv = v.shape[2]
        precondition(nk > 0 && k.shape == [batch, nk, d] && v.shape[0] == batch && v.shape[1] == nk,
                     "attention shapes q \(q.shape), k \(k.shape), v \(v.shape)")
        var out = Tensor(uninitializedShape: [batch, nq, dv])
        var lse = Tensor(uninitializedShape: [batch, nq])
        // Shorter query tiles where tall ones would leave workers without a tile.
        var bq = forwardQueryBlock
        while bq > queryBlock && batch * ((nq + bq - 1) / bq) < 2 * Parallel.workers { bq /= 2 }
        let bk = forwardKeyBlock
        let queryBlocks = (nq + bq - 1) / bq
        q.withUnsafeBufferPointer { pq in k.withUnsafeBufferPointer { pk in v.withUnsafeBufferPointer { pv in
        out.withUnsafeMutableBufferPointer { po in lse.withUnsafeMutableBufferPointer { pl in
            let qs = pq.baseAddress!, ks = pk.baseAddress!, vs = pv.baseAddress!, os = po.baseAddress!, ls = pl.baseAddress!
            Parallel.parts(batch * queryBlocks, minimumWork: 1, workPerItem: 1) { _, items in
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
                var rowMax = [Float](repeating: 0, count: bq), rowSum = [Float](repeating: 0, count: bq)
                defer { scores.deallocate() }
                for item in items {
                    let b = item / queryBlocks, q0 = (item % queryBlocks) * bq, rows = min(bq, nq - q0)
                    let qBlock = qs + (b * nq + q0) * d, oBlock = os + (b * nq + q0) * dv
                    let kHead = ks + b * nk * d, vHead = vs + b * nk * dv
                    var k0 = 0
                    while k0 < nk {
                        let cols = min(bk, nk - k0), first = k0 == 0
                        GEMM.multiply(transA: false, transB: true, m: rows, n: cols, k: d, alpha: scale,
                                      a: qBlock, lda: d, b: kHead + k0 * d, ldb: d, c: scores, ldc: bk, threaded: false)
                        for r in 0..<rows {
                            let s = scores + r * bk
                            let tileMax = RowKernels.max(s, cols)
                            if first {
                                rowSum[r] = exponentiate(s, cols, subtracting: tileMax)
                                rowMax[r] = tileMax
                                continue
                            }
                            let newMax = max(rowMax[r], tileMax)
                            let correction = VectorMath.exp(rowMax[r] - newMax)
                            rowSum[r] = rowSum[r] * correction + exponentiate(s, cols, subtracting: newMax)
                            if correction != 1 { scaleRow(oBlock + r * dv, dv, by: correction) }
                            rowMax[r] = newMax
                        }
                        // The first tile writes the output rows; later ones add to them (rescaled above).
                        GEMM.multiply(transA: false, transB: false, m: rows, n: dv, k: cols, a: scores, lda: bk,
                                      b: vHead + k0 * dv, ldb: dv, beta: first ? 0 : 1, c: oBlock, ldc: dv, threaded: false)
                        k0 += bk
                    }
                    for r in 0..<rows {
                        scaleRow(oBlock + r * dv, dv, by: 1 / rowSum[r])
                        ls[b * nq + q0 + r] = rowMax[r] + log(rowSum[r])
                    }
                }
            }
        } } } } }
        return (out, lse)
    }

    /// Gradients of `forward` with respect to q, k and v, recomputing the probabilities tile by tile from the
    /// saved log-sum-exp. Work is split over key blocks; each worker accumulates dq privately, summed at the end.
    public static func backward(
        q: Tensor, k: Tensor, v: Tensor, out: Tensor, logSumExp: Tensor, upstream: Tensor, scale: Float
    ) -> (dq: Tensor, dk: Tensor, dv: Tensor) {
        let batch = q.shape[0], nq = q.shape[1], d = q.shape[2], nk = k.shape[1], dvWidth = v.shape[2]
        let bq = queryBlock, bk = keyBlock
        let keyBlocks = (nk + bk - 1) / bk
        let dO = upstream.contiguous()
        let rowDot = rowDots(dO, out)  // [B·Nq]: Σ dO ∘ O per query row
        var dk = Tensor(uninitializedShape: k.shape), dv = Tensor(uninitializedShape: v.shape)
        let parts = min(Parallel.workers, batch * keyBlocks)
        var partials = Tensor(zeros: [parts, batch * nq * d])
        q.withUnsafeBufferPointer { pq in k.withUnsafeBufferPointer { pk in v.withUnsafeBufferPointer { pv in
        dO.withUnsafeBufferPointer { pg in logSumExp.withUnsafeBufferPointer { pl in
        dk.withUnsafeMutableBufferPointer { pdk in dv.withUnsafeMutableBufferPointer { pdv in
        partials.withUnsafeMutableBufferPointer { pdq in
            let qs = pq.baseAddress!, ks = pk.baseAddress!, vs = pv.baseAddress!, gs = pg.baseAddress!, ls = pl.baseAddress!
            let dks = pdk.baseAddress!, dvs = pdv.baseAddress!, dqs = pdq.baseAddress!
            Parallel.parts(batch * keyBlocks, minimumWork: 1, workPerItem: 1) { part, items in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
                let dp = UnsafeMutablePointer<Float>.allocate(capacity: bq * bk)
                defer { p.deallocate(); dp.deallocate() }
                let dqPart = dqs + part * batch * nq * d
                for item in items {
                    let b = item / keyBlocks, k0 = (item % keyBlocks) * bk, cols = min(bk, nk - k0)
                    let kBlock = ks + (b * nk + k0) * d, vBlock = vs + (b * nk + k0) * dvWidth
                    let dkBlock = dks + (b * nk + k0) * d, dvBlock = dvs + (b * nk + k0) * dvWidth
                    dkBlock.initialize(repeating: 0, count: cols * d)
                    dvBlock.initialize(repeating: 0, count: cols * dvWidth)
                    var q0 = 0
                    while q0 < nq {
                        let rows = min(bq, nq - q0)
                        let qBlock = qs + (b * nq + q0) * d, gBlock = gs + (b * nq + q0) * dvWidth
                        GEMM.multiply(transA: false, transB: true, m: rows, n: cols, k: d, alpha: scale,
                                      a: qBlock, lda: d, b: kBlock, ldb: d, c: p, ldc: bk, threaded: false)
                        for r in 0..<rows { _ = exponentiate(p + r * bk, cols, subtracting: ls[b * nq + q0 + r]) }
                        GEMM.multiply(transA: true, transB: false, m: cols, n: dvWidth, k: rows,
                                      a: p, lda: bk, b: gBlock, ldb: dvWidth, beta: 1, c: dvBlock, ldc: dvWidth, threaded: false)
                        GEMM.multiply(transA: false, transB: true, m: rows, n: cols, k: dvWidth,
                                      a: gBlock, lda: dvWidth, b: vBlock, ldb: dvWidth, c: dp, ldc: bk, threaded: false)
                        for r in 0..<rows {
                            let pr = p + r * bk, dr = dp + r * bk
                            let delta = Vec(repeating: rowDot[b * nq + q0 + r])
                            var j = 0
                            while j + 8 <= cols {
                                VectorMath.store(VectorMath.load(pr + j) * (VectorMath.load(dr + j) - delta), dr + j)
                                j += 8
                            }
                            while j < cols { dr[j] = pr[j] * (dr[j] - delta[0]); j += 1 }
                        }
                        GEMM.multiply(transA: true, transB: false, m: cols, n: d, k: rows, alpha: scale,
                                      a: dp, lda: bk, b: qBlock, ldb: d, beta: 1, c: dkBlock, ldc: d, threaded: false)
                        GEMM.multiply(transA: false, transB: false, m: rows, n: d, k: cols, alpha: scale,
                                      a: dp, lda: bk, b: kBlock, ldb: d, beta: 1, c: dqPart + (b * nq + q0) * d, ldc: d,
                                      threaded: false)
                        q0 += bq
                    }
                }
            }
        } } } } } } } }
        let dq = Reduction.sum(partials, axes: [0]).reshaped(q.shape)
        return (dq, dk, dv)
    }

    /// Σ_j a[i, j]·b[i, j] for every row i of two [..., width] tensors.
    static func rowDots(_ a: Tensor, _ b: Tensor) -> [Float] {
        let width = a.shape.last!, rows = a.count / width
        var result = [Float](repeating: 0, count: rows)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in result.withUnsafeMutableBufferPointer { pr in
            let x = pa.baseAddress!, y = pb.baseAddress!, r = pr.baseAddress!
            RowKernels.forRows(rows, width: width) { range in
                for i in range { r[i] = RowKernels.dot(x + i * width, y + i * width, width) }
            }
        } } }
        return result
    }

    /// s ← exp(s − shift) in place; returns the row sum.
    @inlinable @inline(__always)
    static func exponentiate(_ s: UnsafeMutablePointer<Float>, _ n: Int, subtracting shift: Float) -> Float {
        RowKernels.exp(s, s, n, subtracting: shift)
    }

    @inlinable @inline(__always)
    static func scaleRow(_ row: UnsafeMutablePointer<Float>, _ n: Int, by factor: Float) {
        let f = Vec(repeating: factor)
        var j = 0
        while j + 8 <= n { VectorMath.store(VectorMath.load(row + j) * f, row + j); j += 8 }
        while j < n { row[j] *= factor; j += 1 }
    }
}

extension Variable {
    /// softmax(scale · q kᵀ) v over [B, N, d] inputs (B = batch × heads).
    public static func attention(q: Variable, k: Variable, v: Variable, scale: Float) -> Variable {
        let qv = q.value.contiguous(), kv = k.value.contiguous(), vv = v.value.contiguous()
        let (out, lse) = Attention.forward(q: qv, k: kv, v: vv, scale: scale)
        return record(out, inputs: [q, k, v]) { needs in
            { grad in
                let (dq, dk, dv) = Attention.backward(q: qv, k: kv, v: vv, out: out, logSumExp: lse, upstream: grad, scale: scale)
                return [needs[0] ? dq : nil, needs[1] ? dk : nil, needs[2] ? dv : nil]
            }
        }
    }
}
