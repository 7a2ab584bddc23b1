import DiT
import Foundation
import Motion
import Tensor
@testable import Transfer
import XCTest

final class TransferTests: XCTestCase {
    /// A short schedule both presets share, so only the guidance differs.
    private func schedule(_ preset: Preset, iterations: Int = 10) -> Preset {
        var p = preset
        p.steps = 4
        p.guidedSteps = 2
        p.iterations = iterations
        p.strength = 1
        p.guidanceScale = 3
        return p
    }

    /// The built-in model's codec: a known pixel lands in the documented channel, and decode undoes encode.
    func testPixelCodecLayoutAndRoundTrip() {
        let codec = PixelCodec(size: 8, frames: 4, frameGroup: 2, pixelGroup: 4)
        var pixels = [Float](repeating: 0.5, count: 4 * 3 * 8 * 8)
        // frame 3 (f' = 1, dt = 1), channel 2 (blue), row 6 (y' = 1, dy = 2), column 5 (x' = 1, dx = 1)
        pixels[((3 * 3 + 2) * 8 + 6) * 8 + 5] = 1
        let video = Tensor(shape: [4, 3, 8, 8], scalars: pixels)
        let latents = codec.encode(video)
        XCTAssertEqual(latents.shape, [96, 2, 2, 2])
        XCTAssertEqual(latents[((2 * 2 + 1) * 4 + 2) * 4 + 1, 1, 1, 1], 1)
        XCTAssertEqual(latents.scalars.filter { $0 != 0 }.count, 1, "0.5 maps to 0, 1 to 1")
        XCTAssertEqual(codec.decode(latents).scalars, video.scalars)
        XCTAssertEqual(codec.usableFrames(7), 4)
        XCTAssertEqual(codec.usableFrames(3), 2)
    }

    /// A sample-predicting model's output becomes the velocity the sampler expects: v = (x_σ − x₀) / σ.
    func testSamplePredictionIsTurnedIntoVelocity() {
        let tiny = TinyModel.make()
        let model = TransferModel(transformer: tiny.transformer, textEncoder: tiny.textEncoder, codec: tiny.codec, prediction: .sample)
        let x0 = Tensor(shape: [2], scalars: [1, -1]), noise = Tensor(shape: [2], scalars: [0.5, 2])
        let sample = FlowMatching.noised(x0, noise: noise, sigma: 0.4)
        let v = model.velocity(output: x0, sample: sample, sigma: 0.4).scalars
        XCTAssertEqual(v[0], -0.5, accuracy: 1e-5)
        XCTAssertEqual(v[1], 3, accuracy: 1e-5)
        XCTAssertEqual(tiny.velocity(output: x0, sample: sample, sigma: 0.4).scalars, x0.scalars, "velocity models pass through")
    }

    func testCodecRoundTrips() {
        let video = TinyModel.movingSquare(frames: 4)
        let worst = zip(SpaceToDepth().decode(SpaceToDepth().encode(video)).scalars, video.scalars).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(worst, 1e-6)
    }

    /// Counted, not timed: with the same schedule (2 guided steps × 10 iterations), `fast` computes 4 fresh
    /// gradients a step (iterations 0, 3, 6, 9) and `ditflow` 10.
    func testFastTakesAtMostHalfTheFreshGradientsOfDitflow() {
        let transfer = MotionTransfer(model: TinyModel.make())
        let video = TinyModel.movingSquare(frames: 4)
        let fast = transfer.run(video: video, prompt: "red square", preset: schedule(.fast)).report
        let ditflow = transfer.run(video: video, prompt: "red square", preset: schedule(.ditflow)).report
        XCTAssertEqual(fast.freshGradients, 8)
        XCTAssertEqual(fast.reusedGradients, 12)
        XCTAssertEqual(ditflow.freshGradients, 20)
        XCTAssertEqual(ditflow.reusedGradients, 0)
        XCTAssertLessThanOrEqual(2 * fast.freshGradients, ditflow.freshGradients)
        XCTAssertEqual(fast.losses.map(\.count), [4, 4])
        XCTAssertEqual(fast.gradientCosines.count, 7, "every fresh gradient after the first is compared")
        XCTAssertTrue(fast.gradientCosines.allSatisfy { $0.isFinite && $0 > -1.01 && $0 < 1.01 })
        XCTAssertLessThan(fast.transformerFLOPs, ditflow.transformerFLOPs)
    }

    func testTheSameSeedAndPresetGiveBitIdenticalOutput() {
        let transfer = MotionTransfer(model: TinyModel.make())
        let video = TinyModel.movingSquare(frames: 4)
        let preset = schedule(.fast, iterations: 4)
        let a = transfer.run(video: video, prompt: "blue circle", preset: preset).video
        let b = transfer.run(video: video, prompt: "blue circle", preset: preset).video
        XCTAssertEqual(a.shape, [4, 3, 16, 16])
        XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern))
        var other = preset
        other.seed = 1
        XCTAssertNotEqual(transfer.run(video: video, prompt: "blue circle", preset: other).video.scalars, a.scalars)
    }

    /// The built-in presets leave the shift to the model; a preset's own shift wins. The report says which ran.
    func testTheShiftIsTheModelsUnlessThePresetNamesOne() {
        let tiny = TinyModel.make()
        XCTAssertEqual(tiny.samplingShift, TransferModel.defaultSamplingShift)
        let shiftThree = MotionTransfer(model: TransferModel(transformer: tiny.transformer, textEncoder: tiny.textEncoder,
                                                             codec: tiny.codec, samplingShift: 3))
        let video = TinyModel.movingSquare(frames: 4)
        let preset = schedule(.fast, iterations: 2)
        XCTAssertNil(preset.shift)
        let left = shiftThree.run(video: video, prompt: "blue circle", preset: preset)
        XCTAssertEqual(left.report.preset.shift, 3)
        var named = preset
        named.shift = 3
        let sameOnDefault = MotionTransfer(model: tiny).run(video: video, prompt: "blue circle", preset: named)
        XCTAssertEqual(sameOnDefault.video.scalars.map(\.bitPattern), left.video.scalars.map(\.bitPattern))
        named.shift = 5
        let overridden = shiftThree.run(video: video, prompt: "blue circle", preset: named)
        XCTAssertEqual(overridden.report.preset.shift, 5)
        XCTAssertNotEqual(overridden.video.scalars, left.video.scalars)
        XCTAssertEqual(MotionTransfer(model: tiny).run(video: video, prompt: "blue circle", preset: preset).report.preset.shift, 7)
    }

    /// The optimiser on a fixed problem (one timestep, fixed reference from the source clip): L falls.
    func testTheOptimiserLowersTheMotionLoss() {
        let model = TinyModel.make()
        for var preset in [Preset.fast, .ditflow] {
            preset.learningRateStart = 0.05
            preset.learningRateEnd = 0.05
            let source = model.codec.encode(TinyModel.movingSquare(frames: 4))
            let guidance = MotionGuidance(model: model.transformer, preset: preset, latentShape: source.shape)
            let time = model.transformer.timeConditioning(timestep: 700)
            let context = model.transformer.textContext(model.textEncoder.encode("red square").states)
            let reference = guidance.referenceFlow(guidance.features(Variable(source), time: time, context: context))
            var noise = SeededNoise(seed: 3)
            var latents = noise.normal(source.shape)
            var optimiser = AdamW(shape: latents.shape, weightDecay: preset.weightDecay)
            var losses: [Float] = []
            for _ in 0..<30 {
                let tape = Tape()
                let z = tape.variable(latents)
                let loss = guidance.loss(guidance.features(z, time: time, context: context), reference: reference)
                losses.append(loss.value.item)
                optimiser.step(&latents, gradient: tape.gradient(of: loss, wrt: [z])[0], learningRate: preset.learningRateStart)
            }
            XCTAssertLessThan(losses.last!, 0.7 * losses.first!, "\(preset.name): \(losses.first!) → \(losses.last!)")
        }
    }

    func testGradientReuseSchedule() {
        var reuse = GradientReuse(interval: 3)
        var computed: [Int] = []
        for iteration in 0..<10 {
            _ = reuse.gradient(iteration: iteration) {
                computed.append(iteration)
                return Tensor(shape: [2], scalars: [1, Float(iteration)])
            }
        }
        XCTAssertEqual(computed, [0, 3, 6, 9])
        XCTAssertEqual(reuse.reusedCount, 6)
        XCTAssertEqual(reuse.cosines.count, 3)
        let expected = Float(1 / 10.0.squareRoot())  // cos([1, 3], [1, 0])
        XCTAssertEqual(reuse.cosines[0], expected, accuracy: 1e-6)
    }

    /// AdamW against torch.optim.AdamW's update written out in Double.
    func testAdamWMatchesTheReferenceUpdate() {
        var parameter = Tensor(shape: [3], scalars: [0.5, -1, 2])
        var optimiser = AdamW(shape: [3], weightDecay: 0.01)
        var p: [Double] = [0.5, -1, 2], m = [Double](repeating: 0, count: 3), v = m
        let gradients: [[Double]] = [[0.1, -0.2, 0.3], [0.05, 0.4, -0.1], [1, 1, 1]]
        for (t, g) in gradients.enumerated() {
            let lr = 0.003
            optimiser.step(&parameter, gradient: Tensor(shape: [3], scalars: g.map(Float.init)), learningRate: Float(lr))
            for i in 0..<3 {
                p[i] *= 1 - lr * 0.01
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mh = m[i] / (1 - pow(0.9, Double(t + 1))), vh = v[i] / (1 - pow(0.999, Double(t + 1)))
                p[i] -= lr * mh / (vh.squareRoot() + 1e-8)
            }
        }
        for i in 0..<3 { XCTAssertEqual(Double(parameter.scalars[i]), p[i], accuracy: 1e-6) }
    }
}
