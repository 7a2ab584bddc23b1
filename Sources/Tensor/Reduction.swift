/// Sums over axes. Accumulation is in Double for whole-tensor sums (losses are sums of many small terms).
public enum Reduction {
    /// Sum of every element, as a 0-d tensor.
    public static func sum(_ x: Tensor) -> Tensor {
        let total = x.withUnsafeBufferPointer { p -> Double in
            let base = p.baseAddress!, n = p.count
            var partial = [Double](repeating: 0, count: Parallel.workers)
            partial.withUnsafeMutableBufferPointer { slots in
                let slot = slots.baseAddress!
                Parallel.parts(n, minimumWork: 1 << 16) { part, range in
                    var acc = SIMD8<Double>()
                    var i = range.lowerBound
                    while i + 8 <= range.upperBound {
                        acc += SIMD8<Double>(VectorMath.load(base + i))
                        i += 8
                    }
                    var s = acc.sum()
                    while i < range.upperBound { s += Double(base[i]); i += 1 }
                    slot[part] = s
                }
            }
            return partial.reduce(0, +)
        }
        return Tensor(scalar: Float(total))
    }

    /// Sums over `axes`; the reduced axes are removed from the shape.
    public static func sum(_ x: Tensor, axes: [Int]) -> Tensor {
        let reduced = Set(axes)
        for axis in reduced { precondition(axis >= 0 && axis < x.rank, "axis \(axis) of rank \(x.rank)") }
        let outShape = x.shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        var out = Tensor(zeros: outShape)
        // Strides into the output for every input axis; reduced axes do not move the output position.
        let outStrides = Tensor.rowMajorStrides(outShape)
        var mapped = [Int](repeating: 0, count: x.rank)
        var next = 0
        for axis in 0..<x.rank where !reduced.contains(axis) {
            mapped[axis] = outStrides[next]
            next += 1
        }
        let shape = x.shape
        let inner = shape.last ?? 1, innerStride = mapped.last ?? 0
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                let src = px.baseAddress!, dst = po.baseAddress!
                let rows = px.count / max(inner, 1)
                if innerStride == 1 {
                    // Whole rows add into output rows (the last axis kept): a vector at a time, the columns split
                    // across workers, each walking every row over its own columns.
                    Parallel.chunks(inner, minimumWork: 1 << 16, workPerItem: rows) { columns in
                        var walk = RowWalk(outer: Array(shape.dropLast()), stridesA: Array(mapped.dropLast()), row: 0)
                        for r in 0..<rows {
                            let o = dst + walk.a, row = src + r * inner
                            var i = columns.lowerBound
                            while i + Vec.scalarCount <= columns.upperBound {
                                VectorMath.store(VectorMath.load(o + i) + VectorMath.load(row + i), o + i)
                                i += Vec.scalarCount
                            }
                            while i < columns.upperBound { o[i] += row[i]; i += 1 }
                            walk.next()
                        }
                    }
                    return
                }
                var walk = RowWalk(outer: Array(shape.dropLast()), stridesA: Array(mapped.dropLast()), row: 0)
                for r in 0..<rows {
                    let offset = walk.a
                    let row = src + r * inner
                    // The last axis is reduced: each row sums into one output.
                    var acc = Vec()
                    var i = 0
                    while i + 8 <= inner { acc += VectorMath.load(row + i); i += 8 }
                    var s = acc.sum()
                    while i < inner { s += row[i]; i += 1 }
                    dst[offset] += s
                    walk.next()
                }
            }
        }
        return out
    }
}

extension Variable {
    /// Sum of every element (a 0-d result).
    public func sum() -> Variable {
        let shape = self.shape
        return Variable.record(Reduction.sum(value), inputs: [self]) { _ in
            { grad in [Tensor(repeating: grad.item, shape: shape)] }
        }
    }

    public func mean() -> Variable {
        sum() * (1 / Float(max(value.count, 1)))
    }

    /// Sums over `axes` (removed from the shape).
    public func sum(axes: [Int]) -> Variable {
        let shape = self.shape
        let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        return Variable.record(Reduction.sum(value, axes: axes), inputs: [self]) { _ in
            { grad in [grad.reshaped(kept).broadcast(to: shape).contiguous()] }
        }
    }
}
