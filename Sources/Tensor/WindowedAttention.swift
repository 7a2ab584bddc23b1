import Foundation
internal import TensorAVX512

/// Where each query's key window lies in the key frame: a `height × width` rectangle at a top-left origin per query.
///
/// Keys are a row-major grid `keyHeight × keyWidth`. Origins hold (row, column) pairs, one per query (shared by
/// every batch entry) or one per batch entry and query. A window is a mask over the key frame, so a window the size
/// of the frame is exactly dense attention.
public struct KeyWindows: Sendable {
    public let keyHeight: Int, keyWidth: Int
    public let height: Int, width: Int
    public let origins: [Int32]

    public init(keyHeight: Int, keyWidth: Int, height: Int, width: Int, origins: [Int32]) {
        precondition(height <= keyHeight && width <= keyWidth, "window \(height)×\(width) larger than the key grid")
        self.keyHeight = keyHeight
        self.keyWidth = keyWidth
        self.height = height
        self.width = width
        self.origins = origins
        for pair in stride(from: 0, to: origins.count, by: 2) {
            precondition(origins[pair] >= 0 && Int(origins[pair]) + height <= keyHeight
                         && origins[pair + 1] >= 0 && Int(origins[pair + 1]) + width <= keyWidth,
                         "window origin (\(origins[pair]), \(origins[pair + 1])) puts the window outside the key grid")
        }
    }

    /// Windows of `size × size` centred on each query's own position (queries on the same grid as the keys), moved
    /// inward where they would cross the frame edge.
    public static func centred(gridHeight: Int, gridWidth: Int, size: Int) -> KeyWindows {
        let h = min(size, gridHeight), w = min(size, gridWidth)
        var origins: [Int32] = []
        origins.reserveCapacity(2 * gridHeight * gridWidth)
        for y in 0..<gridHeight {
            for x in 0..<gridWidth {
                origins.append(Int32(min(max(y - h / 2, 0), gridHeight - h)))
                origins.append(Int32(min(max(x - w / 2, 0), gridWidth - w)))
            }
        }
        return KeyWindows(keyHeight: gridHeight, keyWidth: gridWidth, height: h, width: w, origins: origins)
    }

    public var size: Int { height * width }

    var geometry: WindowGeometry { WindowGeometry(keyHeight: keyHeight, keyWidth: keyWidth, height: height, width: width) }
}

/// Attention restricted to key windows, computed directly: a query touches only its window's keys (l² of them, not
/// the frame's N), so the cost is O(Nq · l² · d) instead of O(Nq · Nk · d).
///
/// Queries go three at a time where their windows share rows and overlap (neighbours in a query row, usually): the
/// band of key rows covering all three windows is scored for all three at once, each query masked to its own
/// columns by a zero weight, so every key and value load feeds three queries; where their windows start one
/// column apart (the usual case), both passes skip the pairs outside each query's window (but for the backward's
/// scatter into dk and dv, whose weights are zero there). Other queries go alone (one per query row of the Wan grid,
/// 52 = 17 · 3 + 1): the forward pass has one-query kernels for them, the backward pass runs them as a block whose
/// three rows are the same query. (Pairs waste less of the band, 12.5 % against 22 % at 7×7, but measured slower at
/// d = 128; scoring a run of bands before weighting their values, to keep each pass's rows in L1, did not pay
/// either, nor on a 32 KiB L1 with the value sums split in column halves.)
public enum WindowedAttention {
    /// q [B, Nq, d], k [B, Nk, d], v [B, Nk, dv] → out [B, Nq, dv], log-sum-exp [B, Nq].
    public static func forward(
        q: Tensor, k: Tensor, v: Tensor, windows: KeyWindows, scale: Float, isa: VectorISA = .chosen
    ) -> (out: Tensor, logSumExp: Tensor) {
        isa.requireAvailable()
        let (batch, nq, d, nk, dv) = check(q, k, v, windows)
        var out = Tensor(uninitializedShape: [batch, nq, dv])
        var lse = Tensor(uninitializedShape: [batch, nq])
        let perBatch = windows.origins.count == 2 * batch * nq
        let geometry = windows.geometry
        q.withUnsafeBufferPointer { pq in k.withUnsafeBufferPointer { pk in v.withUnsafeBufferPointer { pv in
        out.withUnsafeMutableBufferPointer { po in lse.withUnsafeMutableBufferPointer { pl in
        windows.origins.withUnsafeBufferPointer { porigin in
            let qs = pq.baseAddress!, ks = pk.baseAddress!, vs = pv.baseAddress!, os = po.baseAddress!, ls = pl.baseAddress!
            let origins = porigin.baseAddress!
            let run = { (items: Range<Int>) in
                switch isa {
                case .avx2:
                    WindowedForwardKernel.run(items, q: qs, k: ks, v: vs, out: os, logSumExp: ls, origins: origins,
                                              perBatchOrigins: perBatch, nq: nq, nk: nk, d: d, dv: dv, windows: geometry, scale: scale)
                case .avx512:
                    WindowedForward16.run(items, q: qs, k: ks, v: vs, out: os, logSumExp: ls, origins: origins,
                                          perBatchOrigins: perBatch, nq: nq, nk: nk, d: d, dv: dv,
                                          keyHeight: geometry.keyHeight, keyWidth: geometry.keyWidth,
                                          windowHeight: geometry.height, windowWidth: geometry.width, scale: scale)
                }
            }
            let workPerItem = windows.size * (d + dv)
            if batch >= 2 * Parallel.workers && nq * workPerItem >= 1 << 16 {
                // Whole batch entries (heads), each claimed by whichever worker is free: a core slowed by a neighbour
                // hands the rest of its share over, where half-and-half ranges waited on it (a few per cent at the
                // median on a shared 2-core VM), and no range starts mid-frame, with its first band's key rows cold.
                Parallel.forEach(batch) { b in run(b * nq..<(b + 1) * nq) }
            } else {
                Parallel.chunks(batch * nq, minimumWork: 1 << 12, workPerItem: workPerItem, run)
            }
        } } } } } }
        return (out, lse)
    }

    /// The gradients of `forward` with respect to q, k and v.
    public static func backward(
        q: Tensor, k: Tensor, v: Tensor, out: Tensor, logSumExp: Tensor, upstream: Tensor, windows: KeyWindows, scale: Float,
        isa: VectorISA = .chosen
    ) -> (dq: Tensor, dk: Tensor, dv: Tensor) {
        isa.requireAvailable()
        let (batch, nq, d, nk, dvWidth) = check(q, k, v, windows)
        let perBatchOrigins = windows.origins.count == 2 * batch * nq, geometry = windows.geometry
        let dO = upstream.contiguous()
        let rowDot = Attention.rowDots(dO, out)
        var dq = Tensor(uninitializedShape: q.shape)
        // Windows of different queries overlap, so dk and dv are accumulated per worker and summed afterwards.
        let parts = min(Parallel.workers, max(1, batch * nq * windows.size * (d + dvWidth) >> 12))
        var dkParts = Tensor(zeros: [parts, batch * nk * d]), dvParts = Tensor(zeros: [parts, batch * nk * dvWidth])
        q.withUnsafeBufferPointer { pq in k.withUnsafeBufferPointer { pk in v.withUnsafeBufferPointer { pv in
        dO.withUnsafeBufferPointer { pg in logSumExp.withUnsafeBufferPointer { pl in rowDot.withUnsafeBufferPointer { pr in
        dq.withUnsafeMutableBufferPointer { pdq in dkParts.withUnsafeMutableBufferPointer { pdk in
        dvParts.withUnsafeMutableBufferPointer { pdv in windows.origins.withUnsafeBufferPointer { porigin in
            let qs = pq.baseAddress!, ks = pk.baseAddress!, vs = pv.baseAddress!, gs = pg.baseAddress!, ls = pl.baseAddress!
            let deltas = pr.baseAddress!
            let dqs = pdq.baseAddress!, dks = pdk.baseAddress!, dvs = pdv.baseAddress!, origins = porigin.baseAddress!
            Parallel.parts(batch * nq, minimumWork: (batch * nq + parts - 1) / parts, workPerItem: 1) { part, items in
                let dkPart = dks + part * batch * nk * d, dvPart = dvs + part * batch * nk * dvWidth
                switch isa {
                case .avx2:
                    WindowedBackwardKernel.run(items, q: qs, k: ks, v: vs, upstream: gs, logSumExp: ls, rowDots: deltas,
                                               dq: dqs, dk: dkPart, dv: dvPart, origins: origins, perBatchOrigins: perBatchOrigins,
                                               nq: nq, nk: nk, d: d, dv: dvWidth, windows: geometry, scale: scale)
                case .avx512:
                    WindowedBackward16.run(items, q: qs, k: ks, v: vs, upstream: gs, logSumExp: ls, rowDots: deltas,
                                           dq: dqs, dk: dkPart, dv: dvPart, origins: origins, perBatchOrigins: perBatchOrigins,
                                           nq: nq, nk: nk, d: d, dv: dvWidth,
                                           keyHeight: geometry.keyHeight, keyWidth: geometry.keyWidth,
                                           windowHeight: geometry.height, windowWidth: geometry.width, scale: scale)
                }
            }
        } } } } } } } } } }
        let dk = Reduction.sum(dkParts, axes: [0]).reshaped(k.shape)
        let dv = Reduction.sum(dvParts, axes: [0]).reshaped(v.shape)
        return (dq, dk, dv)
    }

    private static func check(_ q: Tensor, _ k: Tensor, _ v: Tensor, _ windows: KeyWindows) -> (Int, Int, Int, Int, Int) {
        precondition(q.rank == 3 && k.rank == 3 && v.rank == 3, "windowed attention takes [B, N, d] tensors")
        let batch = q.shape[0], nq = q.shape[1], d = q.shape[2], nk = k.shape[1], dv = v.shape[2]
        precondition(k.shape == [batch, nk, d] && v.shape[0] == batch && v.shape[1] == nk,
                     "windowed attention shapes q \(q.shape), k \(k.shape), v \(v.shape)")
        precondition(nk == windows.keyHeight * windows.keyWidth, "\(nk) keys for a \(windows.keyHeight)×\(windows.keyWidth) grid")
        precondition(windows.origins.count == 2 * nq || windows.origins.count == 2 * batch * nq,
                     "\(windows.origins.count / 2) window origins for \(nq) queries")
        return (batch, nq, d, nk, dv)
    }
}

extension Variable {
    /// Attention of each query over its key window only; see `KeyWindows`.
    public static func windowedAttention(q: Variable, k: Variable, v: Variable, windows: KeyWindows, scale: Float) -> Variable {
        let qv = q.value.contiguous(), kv = k.value.contiguous(), vv = v.value.contiguous()
        let (out, lse) = WindowedAttention.forward(q: qv, k: kv, v: vv, windows: windows, scale: scale)
        return record(out, inputs: [q, k, v]) { needs in
            { grad in
                let (dq, dk, dv) = WindowedAttention.backward(
                    q: qv, k: kv, v: vv, out: out, logSumExp: lse, upstream: grad, windows: windows, scale: scale)
                return [needs[0] ? dq : nil, needs[1] ? dk : nil, needs[2] ? dv : nil]
            }
        }
    }
}
