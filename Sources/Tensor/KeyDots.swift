/// Dot products of one query with a run of keys that lie next to each other in memory: four keys per pass, so every
/// load of the query feeds four multiply-adds.
@usableFromInline
enum KeyDots {
    @inlinable @inline(__always)
    static func dots(
        _ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, count: Int, d: Int, scale: Float,
        into out: UnsafeMutablePointer<Float>
    ) {
        var j = 0
        let vectorEnd = d & ~7
        while j + 4 <= count {
            let k0 = keys + j * d, k1 = k0 + d, k2 = k1 + d, k3 = k2 + d
            var a0 = Vec(), a1 = Vec(), a2 = Vec(), a3 = Vec()
            var t = 0
            while t < vectorEnd {
                let qv = VectorMath.load(q + t)
                a0.addProduct(qv, VectorMath.load(k0 + t))
                a1.addProduct(qv, VectorMath.load(k1 + t))
                a2.addProduct(qv, VectorMath.load(k2 + t))
                a3.addProduct(qv, VectorMath.load(k3 + t))
                t += 8
            }
            var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
            while t < d {
                s0 += q[t] * k0[t]; s1 += q[t] * k1[t]; s2 += q[t] * k2[t]; s3 += q[t] * k3[t]
                t += 1
            }
            out[j] = s0 * scale; out[j + 1] = s1 * scale; out[j + 2] = s2 * scale; out[j + 3] = s3 * scale
            j += 4
        }
        while j < count {
            out[j] = RowKernels.dot(q, keys + j * d, d) * scale
            j += 1
        }
    }
}
