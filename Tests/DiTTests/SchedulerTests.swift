import DiT
import Foundation
import Tensor
import XCTest

/// The samplers against diffusers (fixture from scripts/make_scheduler_fixtures.py): the schedules, and whole runs
/// with a fake model whose velocity is a fixed function of the sample, so every step's input is the sampler's own.
final class SchedulerTests: XCTestCase {
    private struct Fixture: Decodable {
        let shape: [Int]
        let noise: [Float], reference: [Float], clean: [Float]
        let euler: [Case], unipc: [Case]
        let startIndices: [StartIndex]
    }

    private struct StartIndex: Decodable {
        let steps: Int
        let strength: Double
        let startIndex: Int
    }

    private struct Case: Decodable {
        let shift: Double
        let steps: Int
        let sigmas: [Double], timesteps: [Double]
        let strength: Double?
        let startIndex: Int?
        let noised: [Float]?
        let samples: [[Float]]
    }

    private static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "schedulers", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    // diffusers stores σ in Float32, so 1e-6 is a few ulps; timesteps are σ·1000 (or its truncation).
    private static let sigmaTolerance = 1e-6
    private static let timestepTolerance = 1e-3
    // Samples: the schedulers run in Float32 on both sides but group the arithmetic differently (the Swift UniPC folds
    // each update into one weighted sum of tensors), so they differ by rounding only: max |Δ| ≤ 1e-5 · max(1, max |x|).
    private static let sampleTolerance: Float = 1e-5

    private func tensor(_ scalars: [Float]) -> Tensor {
        Tensor(shape: Self.fixture.shape, scalars: scalars)
    }

    /// The fake model of the fixture script: v = 0.5·x − 0.3·reference + 0.2·t/1000.
    private func velocity(_ sample: Tensor, timestep: Double) -> Tensor {
        let reference = Self.fixture.reference, offset = Float(0.2 * timestep / 1000)
        return tensor(zip(sample.scalars, reference).map { 0.5 * $0 - 0.3 * $1 + offset })
    }

    private func assertClose(_ actual: Tensor, _ expected: [Float], _ message: String, line: UInt = #line) {
        let scale = max(1, expected.map(abs).max() ?? 0)
        let error = zip(actual.scalars, expected).map { abs($0 - $1) }.max() ?? 0
        XCTAssertEqual(actual.scalars.count, expected.count, message, line: line)
        XCTAssertLessThanOrEqual(error, Self.sampleTolerance * scale, message, line: line)
    }

    private func assertSchedule(sigmas: [Double], timesteps: [Double], _ expected: Case, line: UInt = #line) {
        let name = "shift \(expected.shift), \(expected.steps) steps"
        XCTAssertEqual(sigmas.count, expected.sigmas.count, name, line: line)
        XCTAssertEqual(timesteps.count, expected.timesteps.count, name, line: line)
        for (actual, wanted) in zip(sigmas, expected.sigmas) {
            XCTAssertEqual(actual, wanted, accuracy: Self.sigmaTolerance, "σ, \(name)", line: line)
        }
        for (actual, wanted) in zip(timesteps, expected.timesteps) {
            XCTAssertEqual(actual, wanted, accuracy: Self.timestepTolerance, "timestep, \(name)", line: line)
        }
    }

    /// The first sample and step index of a case: pure noise, or the clean latents noised to the case's strength.
    private func start(_ expected: Case, sigmas: [Double]) -> (index: Int, sample: Tensor) {
        let noise = tensor(Self.fixture.noise)
        guard let strength = expected.strength else { return (0, noise) }
        let (index, sample) = FlowMatching.start(
            sigmas: sigmas, clean: tensor(Self.fixture.clean), noise: noise, strength: strength
        )
        XCTAssertEqual(index, expected.startIndex, "start index at strength \(strength)")
        assertClose(sample, expected.noised!, "noised latents at strength \(strength)")
        return (index, sample)
    }

    func testStrengthStartIndex() {
        for expected in Self.fixture.startIndices {
            XCTAssertEqual(
                FlowMatching.startIndex(steps: expected.steps, strength: expected.strength), expected.startIndex,
                "\(expected.steps) steps at strength \(expected.strength)"
            )
        }
    }

    func testEulerSchedule() {
        for expected in Self.fixture.euler {
            let scheduler = FlowMatchEulerScheduler(steps: expected.steps, shift: expected.shift)
            assertSchedule(sigmas: scheduler.sigmas, timesteps: scheduler.timesteps, expected)
        }
    }

    func testUniPCSchedule() {
        for expected in Self.fixture.unipc {
            let scheduler = UniPCScheduler(steps: expected.steps, flowShift: expected.shift)
            assertSchedule(sigmas: scheduler.sigmas, timesteps: scheduler.timesteps, expected)
        }
    }

    func testEulerRun() {
        for expected in Self.fixture.euler {
            let scheduler = FlowMatchEulerScheduler(steps: expected.steps, shift: expected.shift)
            var (index, sample) = start(expected, sigmas: scheduler.sigmas)
            XCTAssertEqual(scheduler.steps - index, expected.samples.count)
            for wanted in expected.samples {
                let v = velocity(sample, timestep: expected.timesteps[index])
                sample = scheduler.step(velocity: v, sample: sample, index: index)
                assertClose(sample, wanted, "Euler shift \(expected.shift), step \(index) of \(expected.steps)")
                index += 1
            }
        }
    }

    func testUniPCRun() {
        for expected in Self.fixture.unipc {
            let schedule = UniPCScheduler(steps: expected.steps, flowShift: expected.shift)
            let (first, noised) = start(expected, sigmas: schedule.sigmas)
            var sample = noised
            var scheduler = UniPCScheduler(steps: expected.steps, flowShift: expected.shift, startIndex: first)
            XCTAssertEqual(scheduler.steps - first, expected.samples.count)
            for wanted in expected.samples {
                let index = scheduler.stepIndex
                let v = velocity(sample, timestep: expected.timesteps[index])
                sample = scheduler.step(velocity: v, sample: sample)
                assertClose(sample, wanted, "UniPC shift \(expected.shift), step \(index) of \(expected.steps)")
            }
            XCTAssertEqual(scheduler.stepIndex, expected.steps)
        }
    }
}
