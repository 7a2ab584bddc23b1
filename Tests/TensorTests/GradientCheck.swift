import Foundation
import Testing
import Tensor

/// Deterministic test inputs (SplitMix64), so a failure reproduces.
struct SeededRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Float = -1, _ high: Float = 1) -> Float {
        low + (high - low) * Float(next() >> 40) / Float(1 << 24)
    }

    mutating func tensor(_ shape: [Int], _ low: Float = -1, _ high: Float = 1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in uniform(low, high) })
    }
}

/// max |actual − expected| / max(1, max |expected|): an absolute error for values of order one or below, a relative
/// one for larger values.
func scaledError(_ actual: [Float], _ expected: [Double]) -> Double {
    precondition(actual.count == expected.count, "\(actual.count) values against \(expected.count)")
    let scale = max(1, expected.map(abs).max() ?? 0)
    return zip(actual, expected).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? 0
}

/// The one reference comparison every op's test goes through.
///
/// `reference` is an independent, plain Double-precision implementation of the op (nested loops, no shared code with
/// the kernels). The check runs the op on a tape and compares
/// - the forward value with the reference (tolerance `forwardTolerance`, scaled error as above), and
/// - the gradient of ⟨w, op(x)⟩ for a random w with respect to every input with central finite differences of the
///   reference in Double (step 1e-4, truncation error ~1e-8), tolerance `gradientTolerance`.
/// Float32 rounding bounds what can be asked: 1e-5 forward and 1e-4 gradient hold for sums of up to a few hundred terms.
func checkOp(
    _ name: String, inputs: [Tensor], differentiable: [Bool]? = nil,
    forwardTolerance: Double = 1e-5, gradientTolerance: Double = 1e-4, seed: UInt64 = 7,
    reference: ([[Double]]) -> [Double], op: ([Variable]) -> Variable,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let differentiable = differentiable ?? inputs.map { _ in true }
    let tape = Tape()
    let variables = zip(inputs, differentiable).map { $1 ? tape.variable($0) : Variable($0) }
    let output = op(variables)
    let doubles = inputs.map { $0.scalars.map(Double.init) }
    let expected = reference(doubles)
    let forwardError = scaledError(output.value.scalars, expected)
    #expect(forwardError <= forwardTolerance, "\(name): forward error \(forwardError)", sourceLocation: sourceLocation)

    var random = SeededRandom(seed: seed)
    let weights = (0..<expected.count).map { _ in Double(random.uniform()) }
    let seedTensor = Tensor(shape: output.shape, scalars: weights.map(Float.init))
    let wanted = variables.enumerated().filter { differentiable[$0.offset] }.map(\.element)
    guard !wanted.isEmpty else { return }
    let grads = output.needsGradient ? tape.gradient(of: output, wrt: wanted, seed: seedTensor) : []
    let step = 1e-4
    var gradIndex = 0
    for (inputIndex, input) in doubles.enumerated() where differentiable[inputIndex] {
        var numeric = [Double](repeating: 0, count: input.count)
        for element in 0..<input.count {
            var plus = doubles, minus = doubles
            plus[inputIndex][element] += step
            minus[inputIndex][element] -= step
            let fPlus = zip(reference(plus), weights).map(*).reduce(0, +)
            let fMinus = zip(reference(minus), weights).map(*).reduce(0, +)
            numeric[element] = (fPlus - fMinus) / (2 * step)
        }
        let error = scaledError(grads[gradIndex].scalars, numeric)
        #expect(error <= gradientTolerance, "\(name): gradient error \(error) for input \(inputIndex)", sourceLocation: sourceLocation)
        gradIndex += 1
    }
}

/// Row-major flat index of `index` in `shape`.
func flatIndex(_ index: [Int], _ shape: [Int]) -> Int {
    zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
}
