/// `WindowedAttention.backward`'s work on one worker's queries, over raw buffers: the forward's blocks again, their
/// probabilities rebuilt from the saved log-sum-exp. It takes plain values only because `TensorAVX512` compiles
/// this file a second time, for 16 lanes.
enum WindowedBackwardKernel {
    /// items: flattened (batch, query) indices. q [B, Nq, d], k [B, Nk, d], v [B, Nk, dv], upstream [B, Nq, dv],
    /// logSumExp and rowDots (Σ upstream ∘ out) [B, Nq] → dq [B, Nq, d] for these queries; dk [B, Nk, d] and
    /// dv [B, Nk, dv] added to (this worker's own accumulators: windows of different queries overlap).
    @inline(__always)
    static func run(
        _ items: Range<Int>, q qs: UnsafePointer<Float>, k ks: UnsafePointer<Float>, v vs: UnsafePointer<Float>,
        upstream gs: UnsafePointer<Float>, logSumExp ls: UnsafePointer<Float>, rowDots deltas: UnsafePointer<Float>,
        dq dqs: UnsafeMutablePointer<Float>, dk dkPart: UnsafeMutablePointer<Float>, dv dvPart: UnsafeMutablePointer<Float>,
        origins: UnsafePointer<Int32>, perBatchOrigins: Bool, nq: Int, nk: Int, d: Int, dv dvWidth: Int,
        windows: WindowGeometry, scale: Float
    ) {
        var scratch = BandScratch(windows)
        defer { scratch.deallocate() }
        let slots = scratch.slots, probs = scratch.weights, grads = scratch.weights + 3 * slots
        let zeros = scratch.weights + 6 * slots
        var item = items.lowerBound
        while item < items.upperBound {
            let band = Band(item, end: items.upperBound, nq: nq, origins: origins, perBatch: perBatchOrigins, windows)
            scratch.setColumns(width: band.width, windows)
            let b = item / nq, firstKey = b * nk + band.firstKey
            let kBand = ks + firstKey * d, vBand = vs + firstKey * dvWidth
            let (q0, q1, q2) = band.rows(qs + item * d, d)
            let (g0, g1, g2) = band.rows(gs + item * dvWidth, dvWidth)
            let (p0, p1, p2) = band.rows(probs, slots)
            let (s0, s1, s2) = band.rows(grads, slots)
            // A staircase block skips the pairs outside each window, as in the forward pass; the slots it leaves hold
            // finite leftovers, which the window mask zeroes in P and so in dS.
            let staircase = band.isStaircase(windows)
            for run in 0..<windows.height {
                let u = run * band.width
                let keys = kBand + run * windows.keyWidth * d, values = vBand + run * windows.keyWidth * dvWidth
                if staircase {
                    KeyDots.staircase(q0, q1, q2, keys, width: windows.width, d: d, scale: scale, into: p0 + u, p1 + u, p2 + u)
                    KeyDots.staircase(g0, g1, g2, values, width: windows.width, d: dvWidth, scale: 1, into: s0 + u, s1 + u, s2 + u)
                } else {
                    KeyDots.dots(q0, q1, q2, keys, count: band.width, d: d, scale: scale, into: p0 + u, p1 + u, p2 + u)
                    KeyDots.dots(g0, g1, g2, values, count: band.width, d: dvWidth, scale: 1, into: s0 + u, s1 + u, s2 + u)
                }
            }
            for i in 0..<band.count {
                let p = probs + i * slots, ds = grads + i * slots
                let (lo, hi) = band.columns(i, windows)
                _ = scratch.windowExp(p, lo, hi, subtracting: ls[item + i])
                // dS = P ∘ (dP − Σ dO∘O) · scale; zero outside the window because P is.
                let delta = Vec(repeating: deltas[item + i]), sv = Vec(repeating: scale)
                var j = 0
                while j < scratch.bandSlots {
                    VectorMath.store(VectorMath.load(p + j) * (VectorMath.load(ds + j) - delta) * sv, ds + j)
                    j += Vec.scalarCount
                }
            }
            let (dq0, dq1, dq2) = band.rows(dqs + item * d, d)
            if staircase {
                KeyBand.combineStaircase(s0, s1, s2, rows: kBand, width: d, runs: windows.height, windowWidth: windows.width,
                                         runStride: windows.keyWidth, scaledBy: SIMD3(repeating: 1), into: dq0, dq1, dq2)
            } else {
                KeyBand.combine(s0, s1, s2, rows: kBand, width: d, runs: windows.height, runLength: band.width,
                                runStride: windows.keyWidth, scaledBy: SIMD3(repeating: 1), into: dq0, dq1, dq2)
            }
            // A lone query's repeated rows would add its contribution three times over; its others weigh zero.
            let alone = band.count == 1
            KeyBand.scatter(s0, alone ? zeros : s1, alone ? zeros : s2, q0, q1, q2, into: dkPart + firstKey * d, width: d,
                            runs: windows.height, runLength: band.width, runStride: windows.keyWidth)
            KeyBand.scatter(p0, alone ? zeros : p1, alone ? zeros : p2, g0, g1, g2, into: dvPart + firstKey * dvWidth,
                            width: dvWidth, runs: windows.height, runLength: band.width, runStride: windows.keyWidth)
            item += band.count
        }
    }
}
