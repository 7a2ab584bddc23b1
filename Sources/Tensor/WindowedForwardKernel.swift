import Foundation

/// `WindowedAttention.forward`'s work on one worker's queries, over raw buffers (see `WindowedAttention` for the
/// blocking). It takes plain values only because `TensorAVX512` compiles this file a second time, for 16 lanes.
enum WindowedForwardKernel {
    /// items: flattened (batch, query) indices. q [B, Nq, d], k [B, Nk, d], v [B, Nk, dv] → out [B, Nq, dv],
    /// logSumExp [B, Nq]; origins: (row, column) per query, or per batch entry and query when `perBatchOrigins`.
    ///
    /// Where the queries lie on the key grid (Nq = Nk), query rows go `tileRows` at a time, the blocks at the same
    /// columns of each side by side, phase by phase: each block's window rows are the one above's but one, so its keys
    /// and values are still in L1 from that block's pass, where one query row at a time reloads every band from L2.
    @inline(__always)
    static func run(
        _ items: Range<Int>, q qs: UnsafePointer<Float>, k ks: UnsafePointer<Float>, v vs: UnsafePointer<Float>,
        out os: UnsafeMutablePointer<Float>, logSumExp ls: UnsafeMutablePointer<Float>,
        origins: UnsafePointer<Int32>, perBatchOrigins: Bool, nq: Int, nk: Int, d: Int, dv: Int,
        windows: WindowGeometry, scale: Float
    ) {
        let tileRows = tileRowCount
        let scratch = UnsafeMutablePointer<BandScratch>.allocate(capacity: tileRows)
        for i in 0..<tileRows { (scratch + i).initialize(to: BandScratch(windows)) }
        let blocks = UnsafeMutablePointer<ForwardBlock>.allocate(capacity: tileRows)
        let cursors = UnsafeMutablePointer<Int>.allocate(capacity: tileRows)
        defer {
            for i in 0..<tileRows { scratch[i].deallocate() }
            scratch.deinitialize(count: tileRows).deallocate()
            blocks.deallocate()
            cursors.deallocate()
        }
        let buffers = ForwardBuffers(q: qs, k: ks, v: vs, out: os, logSumExp: ls, origins: origins, perBatch: perBatchOrigins,
                                     nq: nq, nk: nk, d: d, dv: dv, windows: windows, scale: scale)
        // Whole frames whose windows follow their queries go through the transposed kernel (see `FrameForward`);
        // it needs 32 registers for its block of accumulators, and d in whole 8 × 8 transposes.
        let firstEntry = (items.lowerBound + nq - 1) / nq, endEntry = items.upperBound / nq
        if VectorMath.vectorRegisters >= 32 && nq == nk && !perBatchOrigins && d % 8 == 0 && firstEntry < endEntry,
           let layout = FrameForward.Layout(origins: origins, nq: nq, windows) {
            let frame = FrameForward(layout, d: d, scale: scale, windows)
            defer { frame.deallocate() }
            tiledRows(items.lowerBound..<firstEntry * nq, buffers, scratch, blocks, cursors)
            for b in firstEntry..<endEntry { frame.run(entry: b, buffers) }
            tiledRows(endEntry * nq..<items.upperBound, buffers, scratch, blocks, cursors)
        } else {
            tiledRows(items, buffers, scratch, blocks, cursors)
        }
    }

    /// The queries of `items` in blocks, query rows `tileRows` at a time where they lie on the key grid.
    @inline(__always)
    static func tiledRows(
        _ items: Range<Int>, _ buffers: ForwardBuffers, _ scratch: UnsafeMutablePointer<BandScratch>,
        _ blocks: UnsafeMutablePointer<ForwardBlock>, _ cursors: UnsafeMutablePointer<Int>
    ) {
        let tileRows = tileRowCount, nq = buffers.nq, nk = buffers.nk
        let row = buffers.windows.keyWidth
        var item = items.lowerBound
        while nq == nk && item + 2 * row <= items.upperBound {
            let rows = min(tileRows, (items.upperBound - item) / row)
            for i in 0..<rows { cursors[i] = item + i * row }
            while (0..<rows).allSatisfy({ cursors[$0] < item + ($0 + 1) * row }) {
                for i in 0..<rows {
                    (blocks + i).initialize(to: ForwardBlock(cursors[i], end: item + (i + 1) * row, buffers, &scratch[i]))
                    blocks[i].prefetchNext(buffers)
                }
                for i in 0..<rows { blocks[i].score(buffers, scratch[i]) }
                for i in 0..<rows { blocks[i].scales = blocks[i].normalise(buffers, scratch[i]) }
                for i in 0..<rows {
                    blocks[i].combine(buffers, scratch[i], scaledBy: blocks[i].scales)
                    cursors[i] += blocks[i].band.count
                }
            }
            // The rows' blocks line up unless their windows differ in shape; any left go one by one.
            for i in 0..<rows { ForwardBlock.each(cursors[i]..<item + (i + 1) * row, buffers, &scratch[i]) }
            item += rows * row
        }
        ForwardBlock.each(item..<items.upperBound, buffers, &scratch[0])
    }

    /// Two rows measured 4–7 % faster than one at d = 128 (fastest of 300 calls); four were no better than two.
    static let tileRowCount = 2
}

/// The forward pass's inputs and outputs, as `WindowedForwardKernel.run` takes them.
struct ForwardBuffers {
    let q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>
    let origins: UnsafePointer<Int32>, perBatch: Bool
    let nq: Int, nk: Int, d: Int, dv: Int
    let windows: WindowGeometry, scale: Float
}

/// One block of queries (see `Band`) through the three phases of the forward pass: its window dots into the
/// scratch's weight rows, the masked softmax over them, and the weighted sums of its values.
struct ForwardBlock {
    let item: Int, band: Band
    let keys: UnsafePointer<Float>, values: UnsafePointer<Float>
    var scales = SIMD3<Float>()

    @inline(__always)
    init(_ item: Int, end: Int, _ x: ForwardBuffers, _ scratch: inout BandScratch) {
        self.item = item
        band = Band(item, end: end, nq: x.nq, origins: x.origins, perBatch: x.perBatch, x.windows)
        scratch.setColumns(width: band.width, x.windows)
        let b = item / x.nq
        keys = x.k + (b * x.nk + band.firstKey) * x.d
        values = x.v + (b * x.nk + band.firstKey) * x.dv
    }

    @inline(__always)
    func prefetchNext(_ x: ForwardBuffers) {
        band.prefetchNext(keys: keys, d: x.d, values: values, dv: x.dv, x.windows)
    }

    @inline(__always)
    func score(_ x: ForwardBuffers, _ scratch: BandScratch) {
        let windows = x.windows, slots = scratch.slots
        let (q0, q1, q2) = band.rows(x.q + item * x.d, x.d)
        let (p0, p1, p2) = band.rows(scratch.weights, slots)
        let staircase = band.isStaircase(windows)
        for run in 0..<windows.height {
            let u = run * band.width, keys = self.keys + run * windows.keyWidth * x.d
            if band.count == 1 {
                KeyDots.dots(q0, keys, count: band.width, d: x.d, scale: x.scale, into: p0 + u)
            } else if staircase {
                KeyDots.staircase(q0, q1, q2, keys, width: windows.width, d: x.d, scale: x.scale, into: p0 + u, p1 + u, p2 + u)
            } else {
                KeyDots.dots(q0, q1, q2, keys, count: band.width, d: x.d, scale: x.scale, into: p0 + u, p1 + u, p2 + u)
            }
        }
    }

    /// Leaves exp(dot − max) in the weight rows, writes the log-sum-exps and returns each query's 1 / Σ exp.
    @inline(__always)
    func normalise(_ x: ForwardBuffers, _ scratch: BandScratch) -> SIMD3<Float> {
        // Lanes past the block's queries stay 1, so that their logarithm is harmless.
        var totals = Vec(repeating: 1), maxima = Vec()
        if band.count == 3 {
            let (p0, p1, p2) = band.rows(scratch.weights, scratch.slots)
            let (lo0, hi0) = band.columns(0, x.windows), (lo1, hi1) = band.columns(1, x.windows)
            let (lo2, hi2) = band.columns(2, x.windows)
            let (m, t) = scratch.windowSoftmax(p0, p1, p2, lo: SIMD3(lo0, lo1, lo2), hi: SIMD3(hi0, hi1, hi2))
            for i in 0..<3 { (maxima[i], totals[i]) = (m[i], t[i]) }
        } else {
            let p = scratch.weights
            let (lo, hi) = band.columns(0, x.windows)
            maxima[0] = scratch.windowMax(p, lo, hi)
            totals[0] = scratch.windowExp(p, lo, hi, subtracting: maxima[0])
        }
        let lse = maxima + VectorMath.log(totals)
        for i in 0..<band.count { x.logSumExp[item + i] = lse[i] }
        return 1 / SIMD3(totals[0], totals[1], totals[2])
    }

    @inline(__always)
    func combine(_ x: ForwardBuffers, _ scratch: BandScratch, scaledBy scales: SIMD3<Float>) {
        let windows = x.windows, dv = x.dv
        let (p0, p1, p2) = band.rows(scratch.weights, scratch.slots)
        let (o0, o1, o2) = band.rows(x.out + item * dv, dv)
        if band.count == 1 {
            KeyBand.combine(p0, rows: values, width: dv, runs: windows.height, runLength: band.width,
                            runStride: windows.keyWidth, scaledBy: scales[0], into: o0)
        } else if band.isStaircase(windows) {
            KeyBand.combineStaircase(p0, p1, p2, rows: values, width: dv, runs: windows.height, windowWidth: windows.width,
                                     runStride: windows.keyWidth, scaledBy: scales, into: o0, o1, o2)
        } else {
            KeyBand.combine(p0, p1, p2, rows: values, width: dv, runs: windows.height, runLength: band.width,
                            runStride: windows.keyWidth, scaledBy: scales, into: o0, o1, o2)
        }
    }

    /// Runs the blocks of `items` one after another, each through all three phases.
    @inline(__always)
    static func each(_ items: Range<Int>, _ x: ForwardBuffers, _ scratch: inout BandScratch) {
        var item = items.lowerBound
        while item < items.upperBound {
            let block = ForwardBlock(item, end: items.upperBound, x, &scratch)
            block.prefetchNext(x)
            block.score(x, scratch)
            block.combine(x, scratch, scaledBy: block.normalise(x, scratch))
            item += block.band.count
        }
    }
}
