/// Copies any strided view into dense row-major memory: the one kernel behind `contiguous()`, permutes and
/// broadcasts that have to be materialised.
@usableFromInline
enum StridedCopy {
    @usableFromInline
    static func copy(from source: Tensor, into destination: UnsafeMutablePointer<Float>) {
        var (shape, strides) = collapse(shape: source.shape, strides: source.strides)
        if shape.isEmpty { shape = [1]; strides = [1] }
        let inner = shape[shape.count - 1], innerStride = strides[strides.count - 1]
        let outerShape = Array(shape.dropLast()), outerStrides = Array(strides.dropLast())
        let outerCount = outerShape.reduce(1, *)
        let base = source.storage.pointer + source.offset
        // Rows are independent; large copies split them across the workers.
        Parallel.chunks(outerCount, minimumWork: 1 << 15, workPerItem: inner) { rows in
            var walk = RowWalk(outer: outerShape, stridesA: outerStrides, row: rows.lowerBound)
            for row in rows {
                let out = destination + row * inner
                let src = base + walk.a
                if innerStride == 1 {
                    out.update(from: src, count: inner)
                } else {
                    for i in 0..<inner { out[i] = src[i * innerStride] }
                }
                walk.next()
            }
        }
    }

    /// Drops size-1 axes and merges neighbours that are contiguous with each other, so the row walk has as
    /// few axes as possible and the inner loop is as long as possible.
    static func collapse(shape: [Int], strides: [Int]) -> ([Int], [Int]) {
        var outShape: [Int] = [], outStrides: [Int] = []
        for (size, stride) in zip(shape, strides) where size != 1 {
            if let lastStride = outStrides.last, lastStride == stride * size {
                outShape[outShape.count - 1] *= size
                outStrides[outStrides.count - 1] = stride
            } else {
                outShape.append(size)
                outStrides.append(stride)
            }
        }
        return (outShape, outStrides)
    }
}
