import Foundation
import Testing
import Tensor

func referenceLayerNorm(_ x: [Double], width: Int, epsilon: Double, weight: [Double]?, bias: [Double]?) -> [Double] {
    var y = x
    for r in 0..<(x.count / width) {
        let row = Array(x[(r * width)..<((r + 1) * width)])
        let mean = row.reduce(0, +) / Double(width)
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
        for i in 0..<width {
            y[r * width + i] = (row[i] - mean) / (variance + epsilon).squareRoot() * (weight?[i] ?? 1) + (bias?[i] ?? 0)
        }
    }
    return y
}

func referenceRMSNorm(_ x: [Double], width: Int, epsilon: Double, weight: [Double]?) -> [Double] {
    var y = x
    for r in 0..<(x.count / width) {
        let row = Array(x[(r * width)..<((r + 1) * width)])
        let rms = (row.map { $0 * $0 }.reduce(0, +) / Double(width) + epsilon).squareRoot()
        for i in 0..<width { y[r * width + i] = row[i] / rms * (weight?[i] ?? 1) }
    }
    return y
}

@Suite struct NormalizationTests {
    @Test func layerNormAffine() {
        var random = SeededRandom(seed: 20)
        let x = random.tensor([4, 11], -2, 2), w = random.tensor([11]), b = random.tensor([11])
        checkOp("layerNorm affine", inputs: [x, w, b]) {
            referenceLayerNorm($0[0], width: 11, epsilon: 1e-6, weight: $0[1], bias: $0[2])
        } op: { $0[0].layerNorm(epsilon: 1e-6, weight: $0[1], bias: $0[2]) }
    }

    @Test func layerNormWithoutAffine() {
        var random = SeededRandom(seed: 21)
        let x = random.tensor([3, 2, 16], -2, 2)
        checkOp("layerNorm", inputs: [x]) { referenceLayerNorm($0[0], width: 16, epsilon: 1e-6, weight: nil, bias: nil) } op: {
            $0[0].layerNorm(epsilon: 1e-6)
        }
    }

    @Test func rmsNorm() {
        var random = SeededRandom(seed: 22)
        let x = random.tensor([5, 12], -2, 2), w = random.tensor([12])
        checkOp("rmsNorm weight", inputs: [x, w]) { referenceRMSNorm($0[0], width: 12, epsilon: 1e-6, weight: $0[1]) } op: {
            $0[0].rmsNorm(epsilon: 1e-6, weight: $0[1])
        }
        checkOp("rmsNorm", inputs: [x]) { referenceRMSNorm($0[0], width: 12, epsilon: 1e-6, weight: nil) } op: {
            $0[0].rmsNorm(epsilon: 1e-6)
        }
    }
}
