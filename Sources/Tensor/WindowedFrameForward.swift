import CPUFeatures

/// Windowed attention's forward pass over whole frames, in a transposed layout, for centred windows (moved
/// inward at the frame's edges).
///
/// Query n's window key (run, j) lies at n + Δ + run · keyWidth + j for one Δ across a chunk of rows, except at the
/// edge columns, where the window is moved inward. With queries and keys transposed to [d, N], a token per lane,
/// the dots of `Vec.scalarCount` consecutive tokens with their (run, j) keys are lane-wise multiply-adds of two
/// vectors at that offset from each other: no lane sums, which cost the per-query kernels about as many
/// instructions as their multiply-adds at d = 64, and a softmax that runs lane-wise over the window slots, without
/// masks. The value sums stay `KeyBand`'s, their weights read from the transposed scores.
///
/// At an edge column the slots that fall off the row would belong to the keys the moved window gains, one for
/// one: at column 0 of a 7-wide window, slots at columns −3…−1 for keys 4…6. Those dots are computed per query
/// and written into those slots, and the softmax, which does not care about order, runs over them as over the
/// rest; the value sums of the edge queries read their weights back in key order. Until those edge columns went
/// through the frame pass as well (they had gone per query), they cost 10 % of it.
///
/// Measured on a 2-core Zen 4 VM (fastest and 10th-percentile of 150 calls of 12 heads on the 30 × 52 grid, r = 3,
/// old and new binary in turn): 18 % faster than the per-query kernels at d = 64, level at d = 128, where those
/// kernels' lane sums cost less beside their multiply-adds, with the edges per query. The transposes read Q and K
/// from memory and are about a sixth of the pass; done for the whole frame up front they ran from L3 (6.2 ms
/// against 4.7 at d = 128).
struct FrameForward {
    /// The frame's windows as the layout serves them: each query's window starts `shift` columns left of it, moved
    /// inward to the frame's edges, on row `windowRows[row]` for every query of the row.
    struct Layout {
        let shift: Int
        let windowRows: [Int]

        /// Edge columns on each side: [0, left) have their windows moved right, [keyWidth − right, keyWidth) left.
        let left: Int, right: Int

        /// nil unless the window is at most `passColumns` wide, every window is centred and moved inward that way,
        /// the edge columns on each side are at most 3 (the query blocks of `KeyDots` and `KeyBand`), and the frame
        /// is at least a vector and two windows wide. Wider windows stay with the per-query kernels: at 21 × 21 on
        /// the 52-column grid 20 columns are edge columns, and the frame pass was 20 % slower.
        init?(origins: UnsafePointer<Int32>, nq: Int, _ windows: WindowGeometry) {
            let width = windows.keyWidth, w = windows.width, middle = width / 2
            guard nq == windows.keyHeight * width, w >= 3, w <= FrameForward.passColumns,
                  width >= max(Vec.scalarCount, 2 * w) else { return nil }
            let shift = middle - Int(origins[2 * middle + 1])
            guard shift >= 0, shift <= 3, w - 1 - shift <= 3 else { return nil }
            var rows: [Int] = []
            rows.reserveCapacity(windows.keyHeight)
            for row in 0..<windows.keyHeight {
                let o = origins + 2 * row * width
                let windowRow = o[0]
                for column in 0..<width where o[2 * column] != windowRow
                    || Int(o[2 * column + 1]) != min(max(column - shift, 0), width - w) { return nil }
                rows.append(Int(windowRow))
            }
            self.shift = shift
            windowRows = rows
            left = shift
            right = w - 1 - shift
        }
    }

    let layout: Layout
    let windows: WindowGeometry
    let d: Int, n: Int, scale: Float
    /// The widest window: one pass of `dots` (its register block of 3 × 7 accumulators) covers its columns.
    static let passColumns = 7
    /// Slots per window row in the scores: `passColumns`, and two left zero, so that `KeyBand.combineStaircase`,
    /// which reads two band columns past each query's window, reads zeros there.
    let runSlots: Int
    /// Floats per transposed row (per t), for queries and keys alike; token n at column `margin + n`.
    let stride: Int, margin: Int
    /// Rows of queries per chunk: their scores (about 40 KiB) stay in L1 and L2 between the three passes. Four rows
    /// of 52 at r = 3 measured 3–7 % faster than two, and seven 4 % slower than four.
    let chunkRows: Int
    static let chunkScoreFloats = 10_240
    /// Floats per slot row of the scores; query n0 + x of a chunk at column `scoreMargin + x`.
    let scoreStride: Int, scoreMargin: Int
    let queries: UnsafeMutablePointer<Float>, keys: UnsafeMutablePointer<Float>
    /// Two zero slot rows, then `windows.height` runs of `runSlots`.
    let scores: UnsafeMutablePointer<Float>
    let logSumExps: UnsafeMutablePointer<Float>, inverses: UnsafeMutablePointer<Float>
    /// The score rows of the window's slots, run by run, as float offsets from the first run's first slot.
    let slotOffsets: UnsafeMutablePointer<Int>
    /// The edge queries' dots (three rows of 8) and weights in key order (three windows).
    let edgeDotRows: UnsafeMutablePointer<Float>, edgeWeights: UnsafeMutablePointer<Float>

    init(_ layout: Layout, d: Int, scale: Float, _ windows: WindowGeometry) {
        let lanes = Vec.scalarCount
        self.layout = layout
        self.windows = windows
        self.d = d
        self.scale = scale
        n = windows.keyHeight * windows.keyWidth
        runSlots = Self.passColumns + 2
        margin = BandScratch.wholeVectors(Self.passColumns)
        // Rows 4 KiB apart would share L1 sets: the passes read d of them at the same column.
        var stride = margin + BandScratch.wholeVectors(n + windows.width + 2 * lanes)
        if (stride * MemoryLayout<Float>.stride) % 4096 == 0 { stride += lanes }
        self.stride = stride
        chunkRows = max(1, Self.chunkScoreFloats / windows.size / windows.keyWidth)
        scoreMargin = margin
        scoreStride = scoreMargin + BandScratch.wholeVectors(chunkRows * windows.keyWidth + windows.width + 2 * lanes)
        queries = ReusedBuffers.shared.take(bytes: d * stride * MemoryLayout<Float>.stride).assumingMemoryBound(to: Float.self)
        keys = ReusedBuffers.shared.take(bytes: d * stride * MemoryLayout<Float>.stride).assumingMemoryBound(to: Float.self)
        // Only the margins: the transposes write every column in between (zeros past the last token).
        let written = margin + (n + 7) & ~7
        for row in Swift.stride(from: 0, to: d * stride, by: stride) {
            (queries + row).initialize(repeating: 0, count: margin)
            (queries + row + written).initialize(repeating: 0, count: stride - written)
            (keys + row).initialize(repeating: 0, count: margin)
            (keys + row + written).initialize(repeating: 0, count: stride - written)
        }
        let scoreCount = (2 + windows.height * runSlots) * scoreStride
        scores = .allocate(capacity: scoreCount)
        scores.initialize(repeating: 0, count: scoreCount)
        logSumExps = .allocate(capacity: scoreStride)
        inverses = .allocate(capacity: scoreStride)
        slotOffsets = .allocate(capacity: windows.size)
        edgeDotRows = .allocate(capacity: 3 * 8)
        edgeWeights = .allocate(capacity: 3 * windows.size)
        for run in 0..<windows.height {
            for j in 0..<windows.width { slotOffsets[run * windows.width + j] = (run * runSlots + j) * scoreStride }
        }
    }

    func deallocate() {
        ReusedBuffers.shared.give(UnsafeMutableRawPointer(queries), bytes: d * stride * MemoryLayout<Float>.stride)
        ReusedBuffers.shared.give(UnsafeMutableRawPointer(keys), bytes: d * stride * MemoryLayout<Float>.stride)
        scores.deallocate()
        logSumExps.deallocate()
        inverses.deallocate()
        slotOffsets.deallocate()
        edgeDotRows.deallocate()
        edgeWeights.deallocate()
    }

    /// Batch entry `b` whole: out and logSumExp of all its queries. Chunk by chunk, the queries and keys a chunk
    /// reads are transposed just before it, and the next chunk's rows of them are prefetched into L2.
    @inline(__always)
    func run(entry b: Int, _ x: ForwardBuffers) {
        let width = windows.keyWidth, rows = layout.windowRows
        let q = x.q + b * n * d, k = x.k + b * n * d
        // Rows whose windows start the same number of rows above them share every offset.
        @inline(__always) func chunkEnd(_ row: Int) -> Int {
            var end = row + 1
            while end < min(windows.keyHeight, row + chunkRows) && rows[end] - end == rows[row] - row { end += 1 }
            return end
        }
        // The tokens below which the chunk of rows [row, end) reads queries and keys (see `chunk`).
        @inline(__always) func reads(_ row: Int, _ end: Int) -> (queries: Int, keys: Int) {
            let n1 = end * width, lanes = Vec.scalarCount
            let rowOffset = (rows[row] - row) * width
            return (n1 + windows.width + lanes, n1 + windows.width + lanes + rowOffset + (windows.height - 1) * width)
        }
        var row = 0, queriesDone = 0, keysDone = 0
        while row < windows.keyHeight {
            let end = chunkEnd(row)
            let (queryEnd, keyEnd) = reads(row, end)
            transpose(q, into: queries, from: &queriesDone, to: queryEnd)
            transpose(k, into: keys, from: &keysDone, to: keyEnd)
            if end < windows.keyHeight {
                let (nextQueries, nextKeys) = reads(end, chunkEnd(end))
                prefetch(q, from: queriesDone, to: nextQueries)
                prefetch(k, from: keysDone, to: nextKeys)
            }
            chunk(rows: row..<end, entry: b, x)
            row = end
        }
    }

    /// Tokens [done, upTo) of [n, d] rows → [d, stride] columns from `margin` on, 8 × 8 blocks at a time, the
    /// bounds rounded up to whole blocks (zeros past the last token); `done` moves to the end. Column blocks
    /// outermost: token blocks outermost measured 4–10 % slower over the whole pass.
    @inline(__always)
    func transpose(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, from done: inout Int, to upTo: Int) {
        let n = self.n, d = self.d
        let end = min((n + 7) & ~7, (upTo + 7) & ~7)
        guard end > done else { return }
        for t in Swift.stride(from: 0, to: d, by: 8) {
            for token in Swift.stride(from: done, to: end, by: 8) {
                let block = Transpose8.load { $0 + token < n ? source + ($0 + token) * d + t : nil }
                Transpose8.store(Transpose8.transposed(block), target + t * stride + margin + token, stride: stride)
            }
        }
        done = end
    }

    /// Every cache line of tokens [first, upTo) of [n, d] rows, into L2 (none where upTo ≤ first).
    @inline(__always)
    func prefetch(_ source: UnsafePointer<Float>, from first: Int, to upTo: Int) {
        let end = min(n, upTo), lineFloats = 64 / MemoryLayout<Float>.stride
        guard end > first else { return }
        for line in Swift.stride(from: first * d, to: end * d, by: lineFloats) { fastvmt_prefetch(source + line) }
    }

    /// Rows [rows) of entry b, whose windows share one row offset: dots, softmax and value sums of all their
    /// queries n0..<n1, treated as one run of lanes.
    @inline(__always)
    func chunk(rows: Range<Int>, entry b: Int, _ x: ForwardBuffers) {
        let lanes = Vec.scalarCount, width = windows.keyWidth, shift = layout.shift
        let n0 = rows.lowerBound * width, n1 = rows.upperBound * width
        let rowOffset = (layout.windowRows[rows.lowerBound] - rows.lowerBound) * width
        let firstSlot = scores + 2 * scoreStride + scoreMargin
        // Key lane m of a pass at p is token p + m of the window's first row (moved by rowOffset); its query for
        // window column j is p + shift − j + m.
        var p = n0 - shift
        while p + shift - (windows.width - 1) < n1 {
            var run = 0
            while run < windows.height {
                let count = windows.height - run == 4 ? 2 : min(3, windows.height - run)
                let q = queries + margin + p + shift
                let k = keys + margin + p + rowOffset + run * width
                let s = firstSlot + run * runSlots * scoreStride + (p + shift - n0)
                switch count {
                case 3: dots(rows: 3, q, k, columns: windows.width, into: s)
                case 2: dots(rows: 2, q, k, columns: windows.width, into: s)
                default: dots(rows: 1, q, k, columns: windows.width, into: s)
                }
                run += count
            }
            p += lanes
        }
        edgeDots(rows: rows, entry: b, n0: n0, x)
        softmax(count: n1 - n0)
        combine(rows: rows, entry: b, n0: n0, x)
    }

    /// The edge queries' dots with the keys their windows gain by moving inward, into the slots that fell off
    /// the row: on the left, query column c's slot j < shift − c holds key column c − shift + j + width; on the
    /// right, slot j ≥ keyWidth − c + shift holds key column c − shift + j − width. Each side is one block of at
    /// most three queries and three keys per window row (`KeyDots.dots`).
    @inline(__always)
    func edgeDots(rows: Range<Int>, entry b: Int, n0: Int, _ x: ForwardBuffers) {
        let width = windows.keyWidth, w = windows.width, shift = layout.shift
        let firstSlot = scores + 2 * scoreStride + scoreMargin
        let e = edgeDotRows, e0 = e, e1 = e + 8, e2 = e + 16
        for row in rows {
            for side in 0..<2 {
                let (count, firstColumn, firstKey) = side == 0 ? (layout.left, 0, w - layout.left)
                    : (layout.right, width - layout.right, width - w)
                guard count > 0 else { continue }
                let token = b * n + row * width + firstColumn
                let a0 = x.q + token * d, a1 = x.q + (token + min(1, count - 1)) * d, a2 = x.q + (token + min(2, count - 1)) * d
                for run in 0..<windows.height {
                    let keys = x.k + (b * n + (layout.windowRows[row] + run) * width + firstKey) * d
                    KeyDots.dots(a0, a1, a2, keys, count: count, d: d, scale: scale, into: e0, e1, e2)
                    for i in 0..<count {
                        let column = firstColumn + i
                        let lane = firstSlot + row * width + column - n0 + run * runSlots * scoreStride
                        for key in firstKey..<firstKey + count {
                            // The slot of key column `key` off the row from the query's unmoved window: in range
                            // only where the key lies past that window (j ≥ w on the left, j < 0 on the right).
                            let j = key - (column - shift)
                            let slot = firstColumn == 0 ? j - w : j + w
                            if slot >= 0 && slot < w { lane[slot * scoreStride] = e[8 * i + key - firstKey] }
                        }
                    }
                }
            }
        }
    }

    /// s[(g · runSlots + j) · scoreStride − j] ← scale · Σ_t q[t][−j] · k[t][g · keyWidth] for key rows g < rows and
    /// window columns j < columns: lane m is the dot of query token p + shift − j + m with key token p + m.
    /// `rows` is a constant at each call, so that the unused accumulators drop out.
    @inline(__always)
    func dots(rows: Int, _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, columns: Int, into s: UnsafeMutablePointer<Float>) {
        let stride = self.stride, runStride = windows.keyWidth
        var a00 = Vec(), a01 = Vec(), a02 = Vec(), a03 = Vec(), a04 = Vec(), a05 = Vec(), a06 = Vec()
        var a10 = Vec(), a11 = Vec(), a12 = Vec(), a13 = Vec(), a14 = Vec(), a15 = Vec(), a16 = Vec()
        var a20 = Vec(), a21 = Vec(), a22 = Vec(), a23 = Vec(), a24 = Vec(), a25 = Vec(), a26 = Vec()
        var qp = q, kp = k
        for _ in 0..<d {
            let x0 = VectorMath.load(qp), x1 = VectorMath.load(qp - 1), x2 = VectorMath.load(qp - 2)
            let x3 = VectorMath.load(qp - 3), x4 = VectorMath.load(qp - 4), x5 = VectorMath.load(qp - 5)
            let x6 = VectorMath.load(qp - 6)
            var y = VectorMath.load(kp)
            a00.addProduct(x0, y); a01.addProduct(x1, y); a02.addProduct(x2, y); a03.addProduct(x3, y)
            a04.addProduct(x4, y); a05.addProduct(x5, y); a06.addProduct(x6, y)
            if rows >= 2 {
                y = VectorMath.load(kp + runStride)
                a10.addProduct(x0, y); a11.addProduct(x1, y); a12.addProduct(x2, y); a13.addProduct(x3, y)
                a14.addProduct(x4, y); a15.addProduct(x5, y); a16.addProduct(x6, y)
            }
            if rows >= 3 {
                y = VectorMath.load(kp + 2 * runStride)
                a20.addProduct(x0, y); a21.addProduct(x1, y); a22.addProduct(x2, y); a23.addProduct(x3, y)
                a24.addProduct(x4, y); a25.addProduct(x5, y); a26.addProduct(x6, y)
            }
            qp += stride
            kp += stride
        }
        let f = Vec(repeating: scale)
        let slot = scoreStride - 1, run = runSlots * scoreStride
        @inline(__always) func put(_ a: Vec, _ g: Int, _ j: Int) {
            if j < columns { VectorMath.store(a * f, s + g * run + j * slot) }
        }
        put(a00, 0, 0); put(a01, 0, 1); put(a02, 0, 2); put(a03, 0, 3); put(a04, 0, 4); put(a05, 0, 5); put(a06, 0, 6)
        if rows >= 2 {
            put(a10, 1, 0); put(a11, 1, 1); put(a12, 1, 2); put(a13, 1, 3); put(a14, 1, 4); put(a15, 1, 5); put(a16, 1, 6)
        }
        if rows >= 3 {
            put(a20, 2, 0); put(a21, 2, 1); put(a22, 2, 2); put(a23, 2, 3); put(a24, 2, 4); put(a25, 2, 5); put(a26, 2, 6)
        }
    }

    /// Each query's softmax over its window slots, a vector of queries at a time: exp(s − max) left in the scores,
    /// log Σ exp + max in `logSumExps` and 1 / Σ exp in `inverses`, at the query's chunk offset.
    @inline(__always)
    func softmax(count: Int) {
        let slots = windows.size, o = slotOffsets
        let first = scores + 2 * scoreStride + scoreMargin
        var x = 0
        while x < count {
            let p = first + x
            // Two chains of maxima and of sums, so that each step does not wait on the one before.
            var m0 = Vec(repeating: -.infinity), m1 = m0
            var i = 0
            while i + 2 <= slots {
                m0 = VectorMath.max(m0, VectorMath.load(p + o[i]))
                m1 = VectorMath.max(m1, VectorMath.load(p + o[i + 1]))
                i += 2
            }
            if i < slots { m0 = VectorMath.max(m0, VectorMath.load(p + o[i])) }
            let m = VectorMath.max(m0, m1)
            var t0 = Vec(), t1 = Vec()
            i = 0
            while i + 2 <= slots {
                let e0 = VectorMath.exp(VectorMath.load(p + o[i]) - m), e1 = VectorMath.exp(VectorMath.load(p + o[i + 1]) - m)
                VectorMath.store(e0, p + o[i])
                VectorMath.store(e1, p + o[i + 1])
                t0 += e0
                t1 += e1
                i += 2
            }
            if i < slots {
                let e = VectorMath.exp(VectorMath.load(p + o[i]) - m)
                VectorMath.store(e, p + o[i])
                t0 += e
            }
            let total = t0 + t1
            VectorMath.store(m + VectorMath.log(total), logSumExps + x)
            VectorMath.store(1 / total, inverses + x)
            x += Vec.scalarCount
        }
    }

    /// The value sums of rows [rows) of entry b and their log-sum-exps. The middle columns go three neighbours at
    /// a time (a staircase: their windows start one column apart), their weights read down the score slots of their
    /// lanes; each side's edge columns share one window, and go as one block with their weights put in key order.
    @inline(__always)
    func combine(rows: Range<Int>, entry b: Int, n0: Int, _ x: ForwardBuffers) {
        let width = windows.keyWidth, dv = x.dv, step = scoreStride, runStep = runSlots * scoreStride
        let w = windows.width, shift = layout.shift
        let first = scores + 2 * scoreStride + scoreMargin
        for row in rows {
            let keyRow = layout.windowRows[row]
            for side in 0..<2 {
                let (count, firstColumn, firstKey) = side == 0 ? (layout.left, 0, 0) : (layout.right, width - layout.right, width - w)
                guard count > 0 else { continue }
                for i in 0..<count {
                    let column = firstColumn + i, lane = first + row * width + column - n0
                    let weights = edgeWeights + i * windows.size
                    // The slot of window column `key`: where it lies from the unmoved window, off the row by a
                    // whole window where it fell off (see `edgeDots`).
                    let offRow = firstKey - (column - shift)
                    for key in 0..<w {
                        let j = offRow + key, slot = j < 0 ? j + w : j >= w ? j - w : j
                        let from = lane + slot * scoreStride
                        for run in 0..<windows.height { weights[run * w + key] = from[run * runStep] }
                    }
                }
                let token = row * width + firstColumn, offset = token - n0
                let second = min(1, count - 1), third = min(2, count - 1)
                let out = x.out + (b * n + token) * dv
                KeyBand.combine(edgeWeights, edgeWeights + second * windows.size, edgeWeights + third * windows.size,
                                rows: x.v + (b * n + keyRow * width + firstKey) * dv, width: dv, runs: windows.height,
                                runLength: w, runStride: width,
                                scaledBy: SIMD3(inverses[offset], inverses[offset + second], inverses[offset + third]),
                                into: out, out + second * dv, out + third * dv)
            }
            var column = layout.left
            let end = width - layout.right
            while column < end {
                let token = row * width + column, offset = token - n0
                let values = x.v + (b * n + keyRow * width + column - shift) * dv
                let out = x.out + (b * n + token) * dv
                let weights = first + offset
                if column + 3 <= end {
                    // Query i's weight for band column u is its window column u − i: slot row u − i of lane i.
                    let scales = SIMD3(inverses[offset], inverses[offset + 1], inverses[offset + 2])
                    KeyBand.combineStaircase(weights, weights + 1 - step, weights + 2 - 2 * step, rows: values, width: dv, runs: windows.height,
                                             windowWidth: w, runStride: width, scaledBy: scales,
                                             into: out, out + dv, out + 2 * dv, weightStep: step, runWeightStep: runStep)
                    column += 3
                } else {
                    KeyBand.combine(weights, rows: values, width: dv, runs: windows.height, runLength: w, runStride: width,
                                    scaledBy: inverses[offset], into: out, weightStep: step, runWeightStep: runStep)
                    column += 1
                }
            }
            for column in 0..<width {
                let token = row * width + column
                x.logSumExp[b * n + token] = logSumExps[token - n0]
            }
        }
    }
}
