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
///
/// Queries go three at a time where their windows share rows and overlap (neighbours in a query row, usually): the
/// band of key rows covering all three windows is scored for all three at once, each query masked to its own
/// columns by a zero weight, so every key and value load feeds three queries; where their windows start one
/// column apart (the usual case), the forward pass skips the pairs outside each query's window. Other queries go
/// alone, as a block whose three rows are the same query. (Pairs waste less of the band, 12.5 % against 22 % at 7×7, but measured
/// slower at d = 128; scoring a run of bands before weighting their values, to keep each pass's rows in L1, did not
/// pay either.)
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
                var scratch = BandScratch(windows)
                defer { scratch.deallocate() }
                let slots = scratch.slots
                var item = range.lowerBound
                while item < range.upperBound {
                    let band = Band(item, end: range.upperBound, nq: nq, origins: origins, perBatch: perBatchOrigins, windows)
                    scratch.setColumns(width: band.width, windows)
                    let b = item / nq
                    let kBand = ks + (b * nk + band.firstKey) * d, vBand = vs + (b * nk + band.firstKey) * dv
                    let (q0, q1, q2) = band.rows(qs + item * d, d)
                    let (p0, p1, p2) = band.rows(scratch.weights, slots)
                    let staircase = band.isStaircase(windows)
                    for run in 0..<windows.height {
                        let u = run * band.width, keys = kBand + run * windows.keyWidth * d
                        if staircase {
                            KeyDots.staircase(q0, q1, q2, keys, width: windows.width, d: d, scale: scale, into: p0 + u, p1 + u, p2 + u)
                        } else {
                            KeyDots.dots(q0, q1, q2, keys, count: band.width, d: d, scale: scale, into: p0 + u, p1 + u, p2 + u)
                        }
                    }
                    var totals = SIMD3<Float>()
                    for i in 0..<band.count {
                        let p = scratch.weights + i * slots
                        let (lo, hi) = band.columns(i, windows)
                        let m = scratch.windowMax(p, lo, hi)
                        totals[i] = scratch.windowExp(p, lo, hi, subtracting: m)
                        ls[item + i] = m + log(totals[i])
                    }
                    if band.count == 1 { totals = SIMD3(repeating: totals[0]) }
                    let (o0, o1, o2) = band.rows(os + item * dv, dv)
                    if staircase {
                        KeyBand.combineStaircase(p0, p1, p2, rows: vBand, width: dv, runs: windows.height, windowWidth: windows.width,
                                                 runStride: windows.keyWidth, scaledBy: 1 / totals, into: o0, o1, o2)
                    } else {
                        KeyBand.combine(p0, p1, p2, rows: vBand, width: dv, runs: windows.height, runLength: band.width,
                                        runStride: windows.keyWidth, scaledBy: 1 / totals, into: o0, o1, o2)
                    }
                    item += band.count
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
        dO.withUnsafeBufferPointer { pg in logSumExp.withUnsafeBufferPointer { pl in rowDot.withUnsafeBufferPointer { pr in
        dq.withUnsafeMutableBufferPointer { pdq in dkParts.withUnsafeMutableBufferPointer { pdk in
        dvParts.withUnsafeMutableBufferPointer { pdv in windows.origins.withUnsafeBufferPointer { porigin in
            let qs = pq.baseAddress!, ks = pk.baseAddress!, vs = pv.baseAddress!, gs = pg.baseAddress!, ls = pl.baseAddress!
            let deltas = pr.baseAddress!
            let dqs = pdq.baseAddress!, dks = pdk.baseAddress!, dvs = pdv.baseAddress!, origins = porigin.baseAddress!
            Parallel.parts(batch * nq, minimumWork: (batch * nq + parts - 1) / parts, workPerItem: 1) { part, range in
                var scratch = BandScratch(windows)
                defer { scratch.deallocate() }
                let slots = scratch.slots, probs = scratch.weights, grads = scratch.weights + 3 * slots
                let zeros = scratch.weights + 6 * slots
                let dkPart = dks + part * batch * nk * d, dvPart = dvs + part * batch * nk * dvWidth
                var item = range.lowerBound
                while item < range.upperBound {
                    let band = Band(item, end: range.upperBound, nq: nq, origins: origins, perBatch: perBatchOrigins, windows)
                    scratch.setColumns(width: band.width, windows)
                    let b = item / nq, firstKey = b * nk + band.firstKey
                    let kBand = ks + firstKey * d, vBand = vs + firstKey * dvWidth
                    let (q0, q1, q2) = band.rows(qs + item * d, d)
                    let (g0, g1, g2) = band.rows(gs + item * dvWidth, dvWidth)
                    let (p0, p1, p2) = band.rows(probs, slots)
                    let (s0, s1, s2) = band.rows(grads, slots)
                    for run in 0..<windows.height {
                        let u = run * band.width
                        KeyDots.dots(q0, q1, q2, kBand + run * windows.keyWidth * d, count: band.width, d: d, scale: scale,
                                     into: p0 + u, p1 + u, p2 + u)
                        KeyDots.dots(g0, g1, g2, vBand + run * windows.keyWidth * dvWidth, count: band.width, d: dvWidth,
                                     scale: 1, into: s0 + u, s1 + u, s2 + u)
                    }
                    for i in 0..<band.count {
                        let p = probs + i * slots, ds = grads + i * slots
                        let (lo, hi) = band.columns(i, windows)
                        _ = scratch.windowExp(p, lo, hi, subtracting: ls[item + i])
                        // dS = P ∘ (dP − Σ dO∘O) · scale; zero outside the window because P is.
                        let delta = Vec(repeating: deltas[item + i]), sv = Vec(repeating: scale)
                        for j in stride(from: 0, to: scratch.bandSlots, by: 8) {
                            VectorMath.store(VectorMath.load(p + j) * (VectorMath.load(ds + j) - delta) * sv, ds + j)
                        }
                    }
                    let (dq0, dq1, dq2) = band.rows(dqs + item * d, d)
                    KeyBand.combine(s0, s1, s2, rows: kBand, width: d, runs: windows.height, runLength: band.width,
                                    runStride: windows.keyWidth, scaledBy: SIMD3(repeating: 1), into: dq0, dq1, dq2)
                    // A lone query's repeated rows would add its contribution three times over; its others weigh zero.
                    let alone = band.count == 1
                    KeyBand.scatter(s0, alone ? zeros : s1, alone ? zeros : s2, q0, q1, q2, into: dkPart + firstKey * d, width: d,
                                    runs: windows.height, runLength: band.width, runStride: windows.keyWidth)
                    KeyBand.scatter(p0, alone ? zeros : p1, alone ? zeros : p2, g0, g1, g2, into: dvPart + firstKey * dvWidth,
                                    width: dvWidth, runs: windows.height, runLength: band.width, runStride: windows.keyWidth)
                    item += band.count
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

    /// The queries processed together from one item on, and the band of keys their windows cover: `windows.height`
    /// key rows from the windows' common top row, `width` columns from the leftmost window's left edge.
    struct Band {
        /// 3, or 1 where the next three queries' windows do not share rows, overlap, or belong to one batch entry.
        let count: Int
        let firstKey: Int, width: Int
        /// Each query's window's first column within the band.
        let offsets: SIMD3<Int>

        @inline(__always)
        init(_ item: Int, end: Int, nq: Int, origins: UnsafePointer<Int32>, perBatch: Bool, _ windows: KeyWindows) {
            let o = origins + 2 * (perBatch ? item : item % nq)
            let row = Int(o[0]), column = Int(o[1])
            if item + 3 <= end && item / nq == (item + 2) / nq {
                let next = origins + 2 * (perBatch ? item + 1 : (item + 1) % nq)
                let last = origins + 2 * (perBatch ? item + 2 : (item + 2) % nq)
                let columns = SIMD3(column, Int(next[1]), Int(last[1]))
                let left = columns.min(), spread = columns.max() - left
                if Int(next[0]) == row && Int(last[0]) == row && spread < windows.width {
                    count = 3
                    firstKey = row * windows.keyWidth + left
                    width = windows.width + spread
                    offsets = columns &- left
                    return
                }
            }
            count = 1
            firstKey = row * windows.keyWidth + column
            width = windows.width
            offsets = SIMD3()
        }

        /// Three queries whose windows start one column apart (neighbours away from the frame's edges): the
        /// forward pass skips the pairs outside their staircase (`KeyDots.staircase`).
        @inline(__always)
        func isStaircase(_ windows: KeyWindows) -> Bool {
            count == 3 && offsets == SIMD3(0, 1, 2) && windows.width >= 3
        }

        /// Pointers to the block's three rows of a [rows, stride] layout; a lone query's row three times.
        @inline(__always)
        func rows<P: Strideable>(_ first: P, _ stride: Int) -> (P, P, P) where P.Stride == Int {
            count == 3 ? (first, first.advanced(by: stride), first.advanced(by: 2 * stride)) : (first, first, first)
        }

        /// The band columns [lo, hi) of query i's window.
        @inline(__always)
        func columns(_ i: Int, _ windows: KeyWindows) -> (Int32, Int32) {
            (Int32(offsets[i]), Int32(offsets[i] + windows.width))
        }
    }

    /// One worker's buffers: three rows of band weights, three of weight gradients (backward), a row of zeros, and
    /// the band column of every weight slot for the current band width, so that a query's window is a lane mask
    /// over its row of weights and the softmax runs whole vectors over the band.
    struct BandScratch {
        /// Slots per row: the widest band (overlapping windows, so at most 2·width − 1 columns) and one slot of slack
        /// for `KeyDots`' four-lane stores, rounded up to whole vectors. Slots past the band are outside every window.
        let slots: Int
        let weights: UnsafeMutablePointer<Float>
        let columnOf: UnsafeMutablePointer<Int32>
        var columnsWidth = 0
        /// The current band's slots, rounded up to whole vectors: what the masked passes run over.
        var bandSlots = 0

        init(_ windows: KeyWindows) {
            slots = (windows.height * (2 * windows.width - 1) + 1 + 7) & ~7
            weights = .allocate(capacity: 7 * slots)
            weights.initialize(repeating: 0, count: 7 * slots)
            columnOf = .allocate(capacity: slots)
        }

        func deallocate() {
            weights.deallocate()
            columnOf.deallocate()
        }

        /// Neighbouring blocks mostly have the same band width, so the table is rebuilt only when it changes.
        @inline(__always)
        mutating func setColumns(width: Int, _ windows: KeyWindows) {
            guard width != columnsWidth else { return }
            columnsWidth = width
            let size = windows.height * width
            bandSlots = (size + 7) & ~7
            for slot in 0..<slots { columnOf[slot] = slot < size ? Int32(slot % width) : .max }
        }

        @inline(__always)
        func window(_ j: Int, _ lo: SIMD8<Int32>, _ hi: SIMD8<Int32>) -> SIMDMask<SIMD8<Int32>> {
            let column = UnsafeRawPointer(columnOf + j).loadUnaligned(as: SIMD8<Int32>.self)
            return (column .>= lo) .& (column .< hi)
        }

        /// The largest weight of a row in band columns [lo, hi).
        @inline(__always)
        func windowMax(_ p: UnsafePointer<Float>, _ lo: Int32, _ hi: Int32) -> Float {
            let l = SIMD8(repeating: lo), h = SIMD8(repeating: hi), none = Vec(repeating: -.infinity)
            // Two running maxima, so that consecutive vectors do not wait on one another.
            var m0 = none, m1 = none
            var j = 0
            while j + 16 <= bandSlots {
                m0 = VectorMath.max(m0, none.replacing(with: VectorMath.load(p + j), where: window(j, l, h)))
                m1 = VectorMath.max(m1, none.replacing(with: VectorMath.load(p + j + 8), where: window(j + 8, l, h)))
                j += 16
            }
            if j < bandSlots { m0 = VectorMath.max(m0, none.replacing(with: VectorMath.load(p + j), where: window(j, l, h))) }
            return VectorMath.largestLane(VectorMath.max(m0, m1))
        }

        /// p ← exp(p − shift) in band columns [lo, hi), 0 elsewhere; returns the row sum.
        @inline(__always)
        func windowExp(_ p: UnsafeMutablePointer<Float>, _ lo: Int32, _ hi: Int32, subtracting shift: Float) -> Float {
            let l = SIMD8(repeating: lo), h = SIMD8(repeating: hi), sv = Vec(repeating: shift)
            var total = Vec()
            for j in stride(from: 0, to: bandSlots, by: 8) {
                var e = Vec()
                e.replace(with: VectorMath.exp(VectorMath.load(p + j) - sv), where: window(j, l, h))
                VectorMath.store(e, p + j)
                total += e
            }
            return (total.lowHalf + total.highHalf).sum()
        }
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
