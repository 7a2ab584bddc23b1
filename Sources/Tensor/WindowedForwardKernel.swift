import Foundation

/// `WindowedAttention.forward`'s work on one worker's queries, over raw buffers (see `WindowedAttention` for the
/// blocking). It takes plain values only because `TensorAVX512` compiles this file a second time, for 16 lanes.
enum WindowedForwardKernel {
    /// items: flattened (batch, query) indices. q [B, Nq, d], k [B, Nk, d], v [B, Nk, dv] → out [B, Nq, dv],
    /// logSumExp [B, Nq]; origins: (row, column) per query, or per batch entry and query when `perBatchOrigins`.
    @inline(__always)
    static func run(
        _ items: Range<Int>, q qs: UnsafePointer<Float>, k ks: UnsafePointer<Float>, v vs: UnsafePointer<Float>,
        out os: UnsafeMutablePointer<Float>, logSumExp ls: UnsafeMutablePointer<Float>,
        origins: UnsafePointer<Int32>, perBatchOrigins: Bool, nq: Int, nk: Int, d: Int, dv: Int,
        windows: WindowGeometry, scale: Float
    ) {
        var scratch = BandScratch(windows)
        defer { scratch.deallocate() }
        let slots = scratch.slots
        var item = items.lowerBound
        while item < items.upperBound {
            let band = Band(item, end: items.upperBound, nq: nq, origins: origins, perBatch: perBatchOrigins, windows)
            scratch.setColumns(width: band.width, windows)
            let b = item / nq
            let kBand = ks + (b * nk + band.firstKey) * d, vBand = vs + (b * nk + band.firstKey) * dv
            let (q0, q1, q2) = band.rows(qs + item * d, d)
            let (p0, p1, p2) = band.rows(scratch.weights, slots)
            let staircase = band.isStaircase(windows)
            band.prefetchNext(keys: kBand, d: d, values: vBand, dv: dv, windows)
            for run in 0..<windows.height {
                let u = run * band.width, keys = kBand + run * windows.keyWidth * d
                if band.count == 1 {
                    KeyDots.dots(q0, keys, count: band.width, d: d, scale: scale, into: p0 + u)
                } else if staircase {
                    KeyDots.staircase(q0, q1, q2, keys, width: windows.width, d: d, scale: scale, into: p0 + u, p1 + u, p2 + u)
                } else {
                    KeyDots.dots(q0, q1, q2, keys, count: band.width, d: d, scale: scale, into: p0 + u, p1 + u, p2 + u)
                }
            }
            // Lanes past the block's queries stay 1, so that their logarithm is harmless.
            var totals = Vec(repeating: 1), maxima = Vec()
            for i in 0..<band.count {
                let p = scratch.weights + i * slots
                let (lo, hi) = band.columns(i, windows)
                maxima[i] = scratch.windowMax(p, lo, hi)
                totals[i] = scratch.windowExp(p, lo, hi, subtracting: maxima[i])
            }
            let lse = maxima + VectorMath.log(totals)
            for i in 0..<band.count { ls[item + i] = lse[i] }
            let scales = 1 / SIMD3(totals[0], totals[1], totals[2])
            let (o0, o1, o2) = band.rows(os + item * dv, dv)
            if band.count == 1 {
                KeyBand.combine(p0, rows: vBand, width: dv, runs: windows.height, runLength: band.width,
                                runStride: windows.keyWidth, scaledBy: scales[0], into: o0)
            } else if staircase {
                KeyBand.combineStaircase(p0, p1, p2, rows: vBand, width: dv, runs: windows.height, windowWidth: windows.width,
                                         runStride: windows.keyWidth, scaledBy: scales, into: o0, o1, o2)
            } else {
                KeyBand.combine(p0, p1, p2, rows: vBand, width: dv, runs: windows.height, runLength: band.width,
                                runStride: windows.keyWidth, scaledBy: scales, into: o0, o1, o2)
            }
            item += band.count
        }
    }
}
