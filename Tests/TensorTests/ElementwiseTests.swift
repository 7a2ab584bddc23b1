import Foundation
import Testing
import Tensor

/// Reference broadcasting: output element → the input elements it reads.
func referenceBroadcast(_ a: [Double], _ aShape: [Int], _ b: [Double], _ bShape: [Int], _ f: (Double, Double) -> Double) -> [Double] {
    let shape = Broadcasting.shape(aShape, bShape)
    let count = shape.reduce(1, *)
    func source(_ index: [Int], _ s: [Int]) -> Int {
        let lead = shape.count - s.count
        return flatIndex((0..<s.count).map { s[$0] == 1 ? 0 : index[lead + $0] }, s)
    }
    return (0..<count).map { flat in
        var index = [Int](repeating: 0, count: shape.count), rest = flat
        for axis in stride(from: shape.count - 1, through: 0, by: -1) { index[axis] = rest % shape[axis]; rest /= shape[axis] }
        return f(a[source(index, aShape)], b[source(index, bShape)])
    }
}

@Suite struct ElementwiseTests {
    static let shapes: [([Int], [Int])] = [([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([1], [2, 3]), ([3, 1, 5], [3, 2, 1])]

    @Test(arguments: shapes)
    func broadcastingArithmetic(aShape: [Int], bShape: [Int]) {
        var random = SeededRandom(seed: 10)
        let a = random.tensor(aShape), b = random.tensor(bShape, 0.5, 2)
        checkOp("add", inputs: [a, b]) { referenceBroadcast($0[0], aShape, $0[1], bShape, +) } op: { $0[0] + $0[1] }
        checkOp("sub", inputs: [a, b]) { referenceBroadcast($0[0], aShape, $0[1], bShape, -) } op: { $0[0] - $0[1] }
        checkOp("mul", inputs: [a, b]) { referenceBroadcast($0[0], aShape, $0[1], bShape, *) } op: { $0[0] * $0[1] }
        checkOp("div", inputs: [a, b]) { referenceBroadcast($0[0], aShape, $0[1], bShape, /) } op: { $0[0] / $0[1] }
    }

    @Test func scalarMaps() {
        var random = SeededRandom(seed: 11)
        let x = random.tensor([3, 7], 0.2, 2)
        checkOp("affine", inputs: [x]) { $0[0].map { 2.5 * $0 - 1 } } op: { $0[0].affine(scale: 2.5, shift: -1) }
        checkOp("squared", inputs: [x]) { $0[0].map { $0 * $0 } } op: { $0[0].squared() }
        checkOp("sqrt", inputs: [x]) { $0[0].map { $0.squareRoot() } } op: { $0[0].squareRoot() }
    }

    @Test func longContiguousRowsUseVectorLoopsAndTails() {
        var random = SeededRandom(seed: 12)
        let a = random.tensor([3, 37]), b = random.tensor([37])
        let sum = Elementwise.add(a, b)
        let expected = referenceBroadcast(a.scalars.map(Double.init), [3, 37], b.scalars.map(Double.init), [37], +)
        #expect(scaledError(sum.scalars, expected) < 1e-6)
    }
}
