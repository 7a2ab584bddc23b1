import Motion
import Tensor
import XCTest

/// Deterministic uniform values in [−scale, scale).
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    let values = (0..<shape.reduce(1, *)).map { _ -> Float in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
    }
    return Tensor(shape: shape, scalars: values)
}

/// The comparison every Motion test uses: max |a − e| ≤ tolerance (absolute; displacements are in tokens).
func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, what, file: file, line: line)
    let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, tolerance, "\(what): max difference \(worst)", file: file, line: line)
}

/// Central finite differences of `loss` at `count` coordinates of `input` against the tape's gradient. Float32
/// losses of order 1 with step 1e-2 leave about 1e-4 of rounding; the tolerance is relative to the gradient's
/// largest element.
func checkGradient(
    of loss: (Variable) -> Variable, at input: Tensor, coordinates count: Int = 24, step: Float = 1e-2,
    tolerance: Float = 2e-2, _ what: String, file: StaticString = #filePath, line: UInt = #line
) {
    let tape = Tape()
    let x = tape.variable(input)
    let analytic = tape.gradient(of: loss(x), wrt: [x])[0].scalars
    let scale = max(analytic.map(abs).max() ?? 0, 1e-3)
    XCTAssertGreaterThan(analytic.map(abs).max() ?? 0, 0, "\(what): gradient is all zeros", file: file, line: line)
    var values = input.scalars
    for c in 0..<count {
        let i = (c * 7_919) % values.count
        let saved = values[i]
        values[i] = saved + step
        let plus = loss(Variable(Tensor(shape: input.shape, scalars: values))).value.item
        values[i] = saved - step
        let minus = loss(Variable(Tensor(shape: input.shape, scalars: values))).value.item
        values[i] = saved
        let numeric = (plus - minus) / (2 * step)
        XCTAssertEqual(analytic[i], numeric, accuracy: tolerance * scale, "\(what) at \(i)", file: file, line: line)
    }
}
