import Testing
import Tensor

/// Reference permute: out[i0, i1, …] = x[index with axes reordered].
func referencePermute(_ x: [Double], _ shape: [Int], _ order: [Int]) -> [Double] {
    let outShape = order.map { shape[$0] }
    return (0..<x.count).map { flat in
        var index = [Int](repeating: 0, count: outShape.count), rest = flat
        for axis in stride(from: outShape.count - 1, through: 0, by: -1) { index[axis] = rest % outShape[axis]; rest /= outShape[axis] }
        var source = [Int](repeating: 0, count: shape.count)
        for (i, axis) in order.enumerated() { source[axis] = index[i] }
        return x[flatIndex(source, shape)]
    }
}

@Suite struct ShapingTests {
    @Test func permuteReshapeContiguous() {
        var random = SeededRandom(seed: 70)
        let x = random.tensor([2, 3, 4])
        checkOp("permute", inputs: [x]) { referencePermute($0[0], [2, 3, 4], [2, 0, 1]) } op: {
            $0[0].permuted([2, 0, 1]).contiguous()
        }
        checkOp("permute+reshape", inputs: [x]) { referencePermute($0[0], [2, 3, 4], [1, 2, 0]) } op: {
            $0[0].permuted([1, 2, 0]).reshaped([12, 2])
        }
    }

    @Test func sliceAndConcatenate() {
        var random = SeededRandom(seed: 71)
        let a = random.tensor([2, 3, 4]), b = random.tensor([2, 2, 4])
        checkOp("slice", inputs: [a]) { x in
            (0..<2).flatMap { i in (1..<3).flatMap { j in (0..<4).map { t in x[0][flatIndex([i, j, t], [2, 3, 4])] } } }
        } op: { $0[0].sliced(axis: 1, 1..<3) }
        checkOp("concatenate", inputs: [a, b]) { x in
            (0..<2).flatMap { i in
                (0..<5).flatMap { j in (0..<4).map { t in j < 3 ? x[0][flatIndex([i, j, t], [2, 3, 4])] : x[1][flatIndex([i, j - 3, t], [2, 2, 4])] } }
            }
        } op: { Variable.concatenate([$0[0], $0[1]], axis: 1) }
    }

    @Test func reductions() {
        var random = SeededRandom(seed: 72)
        let x = random.tensor([3, 4, 5])
        checkOp("sum", inputs: [x]) { [$0[0].reduce(0, +)] } op: { $0[0].sum() }
        checkOp("mean", inputs: [x]) { [$0[0].reduce(0, +) / 60] } op: { $0[0].mean() }
        checkOp("sum axes [0, 2]", inputs: [x]) { x in
            (0..<4).map { j in (0..<3).flatMap { i in (0..<5).map { t in x[0][flatIndex([i, j, t], [3, 4, 5])] } }.reduce(0, +) }
        } op: { $0[0].sum(axes: [0, 2]) }
        checkOp("sum axis 2", inputs: [x]) { x in
            (0..<12).map { r in (0..<5).map { x[0][r * 5 + $0] }.reduce(0, +) }
        } op: { $0[0].sum(axes: [2]) }
        checkOp("sum axes [0, 1]", inputs: [x]) { x in
            (0..<5).map { t in (0..<12).map { x[0][$0 * 5 + t] }.reduce(0, +) }
        } op: { $0[0].sum(axes: [0, 1]) }
    }

    /// Leading axes summed with the last kept, large enough for the column split across workers and with a tail
    /// past the last whole vector, against a plain loop in double precision (relative error ≤ 1e-6).
    @Test func largeLeadingAxisSum() {
        var random = SeededRandom(seed: 74)
        let (a, b, n) = (3, 2, 12_345)
        let x = random.tensor([a, b, n])
        let sum = Reduction.sum(x, axes: [0])
        #expect(sum.shape == [b, n])
        let values = x.scalars
        let reference = (0..<b * n).map { i in (0..<a).map { Double(values[$0 * b * n + i]) }.reduce(0, +) }
        #expect(scaledError(sum.scalars, reference) < 1e-6)
    }

    /// Conv3d with kernel = stride, against a direct convolution loop.
    @Test func patchEmbeddingIsConv3d() {
        var random = SeededRandom(seed: 73)
        let (c, f, h, w, out) = (3, 2, 4, 6, 5)
        let x = random.tensor([c, f, h, w]), weight = random.tensor([out, c, 1, 2, 2]), bias = random.tensor([out])
        checkOp("patch embed", inputs: [x, weight, bias]) { v in
            var y: [Double] = []
            for gf in 0..<f { for gy in 0..<(h / 2) { for gx in 0..<(w / 2) { for o in 0..<out {
                var s = v[2][o]
                for ch in 0..<c { for py in 0..<2 { for px in 0..<2 {
                    s += v[1][flatIndex([o, ch, 0, py, px], [out, c, 1, 2, 2])] * v[0][flatIndex([ch, gf, 2 * gy + py, 2 * gx + px], [c, f, h, w])]
                } } }
                y.append(s)
            } } } }
            return y
        } op: { $0[0].patchEmbedded(weight: $0[1], bias: $0[2]) }
    }

    /// Wan's unpatchify: token (f, y, x) holds its patch as (t, py, px, channel).
    @Test func unpatchifyLayout() {
        var random = SeededRandom(seed: 74)
        let grid = (f: 2, h: 2, w: 3), channels = 2
        let tokens = random.tensor([12, 1 * 2 * 2 * channels])
        checkOp("unpatchify", inputs: [tokens]) { v in
            var y = [Double](repeating: 0, count: channels * 2 * 4 * 6)
            for gf in 0..<2 { for gy in 0..<2 { for gx in 0..<3 { for py in 0..<2 { for px in 0..<2 { for ch in 0..<channels {
                let token = (gf * 2 + gy) * 3 + gx
                y[flatIndex([ch, gf, 2 * gy + py, 2 * gx + px], [channels, 2, 4, 6])] = v[0][token * 8 + (py * 2 + px) * channels + ch]
            } } } } } }
            return y
        } op: { $0[0].unpatchified(grid: grid, patch: (1, 2, 2), channels: channels) }
    }
}
