import Foundation

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
}

/// Attention restricted to key windows, computed directly: a query touches only its window's keys (l² of them, not
/// the frame's N), so the cost is O(Nq · l² · d) instead of O(Nq · Nk · d).
public enum WindowedAttention {
    /// q [B, Nq, d], k [B, Nk, d], v [B, Nk, dv] → out [B, Nq, dv], log-sum-exp [B, Nq].
    public static func forward(q: Tensor, k: Tensor, v: Tensor, windows: KeyWindows, scale: Float) -> (out: Tensor, logSumExp: Tensor) {
        let (batch, nq, d, nk, dv) = check(q, k, v, windows)
        var out = Tensor(uninitializedShape: [batch, nq, dv])
        var lse = Tensor(uninitializedShape: [batch, nq])
        let perBatchOrigins = windows.origins.count == 2 * batch * nq
        q.withUnsafeBufferPointer { pq in k.withUnsafeBufferPointer { pk in v.withUnsafeBufferPointer { pv in
        out.withUnsafeMutableBufferPointer { po in lse.withUnsafeMutableBufferPointer { pl in
        windows.origins.withUnsafeBufferPointer { porigin in
            let qs = pq.baseAddress!, ks = pk.baseAddress!, vs = pv.baseAddress!, os = po.baseAddress!, ls = pl.baseAddress!
            let origins = porigin.baseAddress!
            Parallel.chunks(batch * nq, minimumWork: 1 << 12, workPerItem: windows.size * (d + dv)) { range in
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: windows.size)
                defer { scores.deallocate() }
                for item in range {
                    let b = item / nq
                    let origin = origins + 2 * (perBatchOrigins ? item : item % nq)
                    let kHead = ks + b * nk * d
                    let qi = qs + item * d
                    windowScores(qi, kHead, d, windows, Int(origin[0]), Int(origin[1]), scale, scores)
                    let m = RowKernels.max(scores, windows.size)
                    let total = Attention.exponentiate(scores, windows.size, subtracting: m)
                    ls[item] = m + log(total)
                    let o = os + item * dv
                    o.initialize(repeating: 0, count: dv)
                    let vHead = vs + b * nk * dv
                    for wy in 0..<windows.height {
                        let rowStart = (Int(origin[0]) + wy) * windows.keyWidth + Int(origin[1])
                        for wx in 0..<windows.width {
                            axpy(scores[wy * windows.width + wx] / total, vHead + (rowStart + wx) * dv, o, dv)
                        }
                    }
                }
            }
        } } } } } }
        return (out, lse)
    }

    public static func backward(
        q: Tensor, k: Tensor, v: Tensor, out: Tensor, logSumExp: Tensor, upstream: Tensor, windows: KeyWindows, scale: Float
    ) -> (dq: Tensor, dk: Tensor, dv: Tensor) {
        let (batch, nq, d, nk, dvWidth) = check(q, k, v, windows)
        let perBatchOrigins = windows.origins.count == 2 * batch * nq
        let dO = upstream.contiguous()
        let rowDot = Attention.rowDots(dO, out)
        var dq = Tensor(uninitializedShape: q.shape)
        // Windows of different queries overlap, so dk and dv are accumulated per worker and summed afterwards.
        let parts = min(Parallel.workers, max(1, batch * nq * windows.size * (d + dvWidth) >> 12))
        var dkParts = Tensor(zeros: [parts, batch * nk * d]), dvParts = Tensor(zeros: [parts, batch * nk * dvWidth])
        q.withUnsafeBufferPointer { pq in k.withUnsafeBufferPointer { pk in v.withUnsafeBufferPointer { pv in
        dO.withUnsafeBufferPointer { pg in logSumExp.withUnsafeBufferPointer { pl in
        dq.withUnsafeMutableBufferPointer { pdq in dkParts.withUnsafeMutableBufferPointer { pdk in
        dvParts.withUnsafeMutableBufferPointer { pdv in windows.origins.withUnsafeBufferPointer { porigin in
            let qs = pq.baseAddress!, ks = pk.baseAddress!, vs = pv.baseAddress!, gs = pg.baseAddress!, ls = pl.baseAddress!
            let dqs = pdq.baseAddress!, dks = pdk.baseAddress!, dvs = pdv.baseAddress!, origins = porigin.baseAddress!
            Parallel.parts(batch * nq, minimumWork: (batch * nq + parts - 1) / parts, workPerItem: 1) { part, range in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: windows.size)
                defer { p.deallocate() }
                let dkPart = dks + part * batch * nk * d, dvPart = dvs + part * batch * nk * dvWidth
                for item in range {
                    let b = item / nq
                    let origin = origins + 2 * (perBatchOrigins ? item : item % nq)
                    let kHead = ks + b * nk * d, vHead = vs + b * nk * dvWidth
                    let qi = qs + item * d, gi = gs + item * dvWidth, dqi = dqs + item * d
                    windowScores(qi, kHead, d, windows, Int(origin[0]), Int(origin[1]), scale, p)
                    _ = Attention.exponentiate(p, windows.size, subtracting: ls[item])
                    dqi.initialize(repeating: 0, count: d)
                    for wy in 0..<windows.height {
                        let rowStart = (Int(origin[0]) + wy) * windows.keyWidth + Int(origin[1])
                        for wx in 0..<windows.width {
                            let key = rowStart + wx, pj = p[wy * windows.width + wx]
                            let dp = RowKernels.dot(gi, vHead + key * dvWidth, dvWidth)
                            let ds = pj * (dp - rowDot[item]) * scale
                            axpy(ds, kHead + key * d, dqi, d)
                            axpy(ds, qi, dkPart + (b * nk + key) * d, d)
                            axpy(pj, gi, dvPart + (b * nk + key) * dvWidth, dvWidth)
                        }
                    }
                }
            }
        } } } } } } } } }
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

    /// scale · q·k for every key of one window, row by row (a window row is `width` consecutive keys in memory).
    @inlinable @inline(__always)
    static func windowScores(
        _ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, _ d: Int, _ windows: KeyWindows,
        _ y0: Int, _ x0: Int, _ scale: Float, _ out: UnsafeMutablePointer<Float>
    ) {
        for wy in 0..<windows.height {
            let row = keys + ((y0 + wy) * windows.keyWidth + x0) * d
            KeyDots.dots(q, row, count: windows.width, d: d, scale: scale, into: out + wy * windows.width)
        }
    }

    @inlinable @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let av = Vec(repeating: a)
        var i = 0
        while i + 8 <= n { VectorMath.store(VectorMath.load(y + i) + av * VectorMath.load(x + i), y + i); i += 8 }
        while i < n { y[i] += a * x[i]; i += 1 }
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
