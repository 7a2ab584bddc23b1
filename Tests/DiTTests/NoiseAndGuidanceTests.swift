import DiT
import Tensor
import XCTest

final class NoiseAndGuidanceTests: XCTestCase {
    func testTheSameSeedGivesTheSameNoiseAndAnotherSeedDoesNot() {
        var a = SeededNoise(seed: 42), b = SeededNoise(seed: 42), c = SeededNoise(seed: 43)
        let x = a.normal([3, 5, 7]), y = b.normal([3, 5, 7]), z = c.normal([3, 5, 7])
        XCTAssertEqual(x.scalars.map(\.bitPattern), y.scalars.map(\.bitPattern))
        XCTAssertNotEqual(x.scalars, z.scalars)
        XCTAssertNotEqual(x.scalars, a.normal([3, 5, 7]).scalars, "the generator moves on")
    }

    /// 200 000 draws: the sample mean and variance of a standard normal are within 0.01 (about 4.5 standard errors
    /// of the mean) and the tails hold their expected share.
    func testNoiseIsStandardNormal() {
        var noise = SeededNoise(seed: 7)
        let values = noise.normal([200_000]).scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.01)
        let beyondTwo = Double(values.filter { abs($0) > 2 }.count) / Double(values.count)
        XCTAssertEqual(beyondTwo, 0.0455, accuracy: 0.003)
    }

    func testGuidanceExtrapolatesFromTheUnconditionalPrediction() {
        let uncond = Tensor(shape: [3], scalars: [1, 2, 3]), cond = Tensor(shape: [3], scalars: [2, 0, 3])
        XCTAssertEqual(ClassifierFreeGuidance.combine(unconditional: uncond, conditional: cond, scale: 5).scalars, [6, -8, 3])
        XCTAssertEqual(ClassifierFreeGuidance.combine(unconditional: uncond, conditional: cond, scale: 1).scalars, cond.scalars)
    }
}
