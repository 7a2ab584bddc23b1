import CPUFeatures

/// The shape of a set of key windows, without their origins: a row-major key grid `keyHeight × keyWidth` and
/// windows of `height × width` keys.
@usableFromInline
struct WindowGeometry {
    let keyHeight: Int, keyWidth: Int
    let height: Int, width: Int

    var size: Int { height * width }
}

/// The queries processed together from one item on, and the band of keys their windows cover: `height` key rows
/// from the windows' common top row, `width` columns from the leftmost window's left edge.
struct Band {
    /// 3, or 1 where the next three queries' windows do not share rows, overlap, or belong to one batch entry.
    let count: Int
    let firstKey: Int, width: Int
    /// Each query's window's first column within the band.
    let offsets: SIMD3<Int>

    @inline(__always)
    init(_ item: Int, end: Int, nq: Int, origins: UnsafePointer<Int32>, perBatch: Bool, _ windows: WindowGeometry) {
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
    func isStaircase(_ windows: WindowGeometry) -> Bool {
        count == 3 && offsets == SIMD3(0, 1, 2) && windows.width >= 3
    }

    /// Asks for the keys and values the next block (three queries on) adds in its last window row: that is the
    /// newest key row, which no earlier query row has used, so it comes from memory rather than L2, late enough to
    /// stall the dot products (10 % of the forward pass at d = 128). The other rows are in L2 already.
    @inline(__always)
    func prefetchNext(keys: UnsafePointer<Float>, d: Int, values: UnsafePointer<Float>, dv: Int, _ windows: WindowGeometry) {
        let first = (windows.height - 1) * windows.keyWidth + width
        let lineFloats = 64 / MemoryLayout<Float>.stride
        for line in stride(from: 0, to: 3 * d, by: lineFloats) { fastvmt_prefetch(keys + first * d + line) }
        for line in stride(from: 0, to: 3 * dv, by: lineFloats) { fastvmt_prefetch(values + first * dv + line) }
    }

    /// Pointers to the block's three rows of a [rows, stride] layout; a lone query's row three times.
    @inline(__always)
    func rows<P: Strideable>(_ first: P, _ stride: Int) -> (P, P, P) where P.Stride == Int {
        count == 3 ? (first, first.advanced(by: stride), first.advanced(by: 2 * stride)) : (first, first, first)
    }

    /// The band columns [lo, hi) of query i's window.
    @inline(__always)
    func columns(_ i: Int, _ windows: WindowGeometry) -> (Int32, Int32) {
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

    init(_ windows: WindowGeometry) {
        slots = Self.wholeVectors(windows.height * (2 * windows.width - 1) + 1)
        weights = .allocate(capacity: 7 * slots)
        weights.initialize(repeating: 0, count: 7 * slots)
        columnOf = .allocate(capacity: slots)
    }

    func deallocate() {
        weights.deallocate()
        columnOf.deallocate()
    }

    @inline(__always)
    static func wholeVectors(_ count: Int) -> Int { (count + Vec.scalarCount - 1) & ~(Vec.scalarCount - 1) }

    /// Neighbouring blocks mostly have the same band width, so the table is rebuilt only when it changes.
    @inline(__always)
    mutating func setColumns(width: Int, _ windows: WindowGeometry) {
        guard width != columnsWidth else { return }
        columnsWidth = width
        let size = windows.height * width
        bandSlots = Self.wholeVectors(size)
        // A running column, not slot % width: a division per slot cost as much as a block's softmax.
        var column: Int32 = 0
        for slot in 0..<size {
            columnOf[slot] = column
            column += 1
            if column == width { column = 0 }
        }
        for slot in size..<slots { columnOf[slot] = .max }
    }

    @inline(__always)
    func window(_ j: Int, _ lo: VecBits, _ hi: VecBits) -> SIMDMask<VecBits> {
        let column = UnsafeRawPointer(columnOf + j).loadUnaligned(as: VecBits.self)
        return (column .>= lo) .& (column .< hi)
    }

    /// The largest weight of a row in band columns [lo, hi).
    @inline(__always)
    func windowMax(_ p: UnsafePointer<Float>, _ lo: Int32, _ hi: Int32) -> Float {
        let l = VecBits(repeating: lo), h = VecBits(repeating: hi), none = Vec(repeating: -.infinity)
        let lanes = Vec.scalarCount
        // Two running maxima, so that consecutive vectors do not wait on one another.
        var m0 = none, m1 = none
        var j = 0
        while j + 2 * lanes <= bandSlots {
            m0 = VectorMath.max(m0, none.replacing(with: VectorMath.load(p + j), where: window(j, l, h)))
            m1 = VectorMath.max(m1, none.replacing(with: VectorMath.load(p + j + lanes), where: window(j + lanes, l, h)))
            j += 2 * lanes
        }
        if j < bandSlots { m0 = VectorMath.max(m0, none.replacing(with: VectorMath.load(p + j), where: window(j, l, h))) }
        return VectorMath.largestLane(VectorMath.max(m0, m1))
    }

    /// `windowMax` then `windowExp` for a block's three rows, the rows side by side in each pass: three independent
    /// chains of vectors for the processor to overlap, and one tree of lane sums for the three totals.
    @inline(__always)
    func windowSoftmax(
        _ p0: UnsafeMutablePointer<Float>, _ p1: UnsafeMutablePointer<Float>, _ p2: UnsafeMutablePointer<Float>,
        lo: SIMD3<Int32>, hi: SIMD3<Int32>
    ) -> (maxima: SIMD3<Float>, totals: SIMD3<Float>) {
        let l0 = VecBits(repeating: lo[0]), l1 = VecBits(repeating: lo[1]), l2 = VecBits(repeating: lo[2])
        let h0 = VecBits(repeating: hi[0]), h1 = VecBits(repeating: hi[1]), h2 = VecBits(repeating: hi[2])
        let none = Vec(repeating: -.infinity)
        var m0 = none, m1 = none, m2 = none
        var j = 0
        while j < bandSlots {
            m0 = VectorMath.max(m0, none.replacing(with: VectorMath.load(p0 + j), where: window(j, l0, h0)))
            m1 = VectorMath.max(m1, none.replacing(with: VectorMath.load(p1 + j), where: window(j, l1, h1)))
            m2 = VectorMath.max(m2, none.replacing(with: VectorMath.load(p2 + j), where: window(j, l2, h2)))
            j += Vec.scalarCount
        }
        let maxima = SIMD3(VectorMath.largestLane(m0), VectorMath.largestLane(m1), VectorMath.largestLane(m2))
        let s0 = Vec(repeating: maxima[0]), s1 = Vec(repeating: maxima[1]), s2 = Vec(repeating: maxima[2])
        var t0 = Vec(), t1 = Vec(), t2 = Vec()
        j = 0
        while j < bandSlots {
            var e0 = Vec(), e1 = Vec(), e2 = Vec()
            e0.replace(with: VectorMath.exp(VectorMath.load(p0 + j) - s0), where: window(j, l0, h0))
            e1.replace(with: VectorMath.exp(VectorMath.load(p1 + j) - s1), where: window(j, l1, h1))
            e2.replace(with: VectorMath.exp(VectorMath.load(p2 + j) - s2), where: window(j, l2, h2))
            VectorMath.store(e0, p0 + j)
            VectorMath.store(e1, p1 + j)
            VectorMath.store(e2, p2 + j)
            t0 += e0
            t1 += e1
            t2 += e2
            j += Vec.scalarCount
        }
        let sums = VectorMath.laneSums(t0, t1, t2, Vec(), Vec(), Vec(), Vec(), Vec())
        return (maxima, SIMD3(sums[0], sums[1], sums[2]))
    }

    /// p ← exp(p − shift) in band columns [lo, hi), 0 elsewhere; returns the row sum.
    @inline(__always)
    func windowExp(_ p: UnsafeMutablePointer<Float>, _ lo: Int32, _ hi: Int32, subtracting shift: Float) -> Float {
        let l = VecBits(repeating: lo), h = VecBits(repeating: hi), sv = Vec(repeating: shift)
        var total = Vec()
        var j = 0
        while j < bandSlots {
            var e = Vec()
            e.replace(with: VectorMath.exp(VectorMath.load(p + j) - sv), where: window(j, l, h))
            VectorMath.store(e, p + j)
            total += e
            j += Vec.scalarCount
        }
        return VectorMath.laneSum(total)
    }
}
