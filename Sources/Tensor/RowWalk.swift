/// Consecutive rows of a row-major shape (every axis but the last) and where each row starts in up to two strided
/// layouts: the odometer behind strided copies, broadcasting and axis sums.
@usableFromInline
struct RowWalk {
    @usableFromInline let outer: [Int], stridesA: [Int], stridesB: [Int]
    @usableFromInline var index: [Int]
    /// The current row's offsets in the two layouts.
    @usableFromInline var a = 0, b = 0

    /// Starts at row `row` of `outer` (the shape without its last axis); `stridesB` defaults to not moving.
    @inlinable
    init(outer: [Int], stridesA: [Int], stridesB: [Int]? = nil, row: Int) {
        self.outer = outer
        self.stridesA = stridesA
        self.stridesB = stridesB ?? [Int](repeating: 0, count: outer.count)
        index = [Int](repeating: 0, count: outer.count)
        var remainder = row
        for axis in stride(from: outer.count - 1, through: 0, by: -1) {
            index[axis] = remainder % outer[axis]
            remainder /= outer[axis]
            a += index[axis] * stridesA[axis]
            b += index[axis] * self.stridesB[axis]
        }
    }

    @inlinable
    mutating func next() {
        var axis = outer.count - 1
        while axis >= 0 {
            index[axis] += 1
            a += stridesA[axis]
            b += stridesB[axis]
            if index[axis] < outer[axis] { return }
            a -= stridesA[axis] * outer[axis]
            b -= stridesB[axis] * outer[axis]
            index[axis] = 0
            axis -= 1
        }
    }
}
