/// Helpers for kernels that treat a tensor as independent rows along its last axis.
@usableFromInline
enum RowKernels {
    @inlinable @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Vec()
        var i = 0
        while i + 8 <= n { acc += VectorMath.load(p + i); i += 8 }
        var s = acc.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    @inlinable @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = Vec(), acc1 = Vec()
        var i = 0
        while i + 16 <= n {
            acc0.addProduct(VectorMath.load(a + i), VectorMath.load(b + i))
            acc1.addProduct(VectorMath.load(a + i + 8), VectorMath.load(b + i + 8))
            i += 16
        }
        while i + 8 <= n { acc0.addProduct(VectorMath.load(a + i), VectorMath.load(b + i)); i += 8 }
        var s = (acc0 + acc1).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// Four running maxima, so that consecutive vectors do not wait on one another's compare (a softmax row is one
    /// long dependency chain otherwise, which cost as much as its exponentials).
    @inlinable @inline(__always)
    static func max(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var a0 = Vec(repeating: -.infinity), a1 = a0, a2 = a0, a3 = a0
        var i = 0
        while i + 32 <= n {
            a0 = VectorMath.max(a0, VectorMath.load(p + i)); a1 = VectorMath.max(a1, VectorMath.load(p + i + 8))
            a2 = VectorMath.max(a2, VectorMath.load(p + i + 16)); a3 = VectorMath.max(a3, VectorMath.load(p + i + 24))
            i += 32
        }
        while i + 8 <= n {
            a0 = VectorMath.max(a0, VectorMath.load(p + i))
            i += 8
        }
        var m = VectorMath.largestLane(VectorMath.max(VectorMath.max(a0, a1), VectorMath.max(a2, a3)))
        while i < n { m = Swift.max(m, p[i]); i += 1 }
        return m
    }

    /// output ← exp(input − shift) (in place allowed); returns the row sum.
    @inlinable @inline(__always)
    static func exp(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ n: Int, subtracting shift: Float) -> Float {
        let sv = Vec(repeating: shift)
        var acc = Vec()
        var i = 0
        while i + 8 <= n {
            let e = VectorMath.exp(VectorMath.load(input + i) - sv)
            VectorMath.store(e, output + i)
            acc += e
            i += 8
        }
        var total = acc.sum()
        while i < n { let e = VectorMath.exp(input[i] - shift); output[i] = e; total += e; i += 1 }
        return total
    }

    /// Calls `body(rowRange)` over the rows of a [rows, width] layout, split across workers.
    @inlinable
    static func forRows(_ rows: Int, width: Int, _ body: (Range<Int>) -> Void) {
        Parallel.chunks(rows, minimumWork: 1 << 14, workPerItem: Swift.max(width, 1) * 4, body)
    }
}
