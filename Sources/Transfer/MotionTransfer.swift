import DiT
import Foundation
import Motion
import Tensor

/// A transformer with the text encoder and latent codec that go with it.
public struct TransferModel: Sendable {
    /// What the transformer's output is: the flow velocity (Wan2.1), or the clean sample x₀ (the built-in model,
    /// whose tokens are too wide for its width to carry noise; see scripts/train_model.py).
    public enum Prediction: String, Codable, Sendable { case velocity, sample }

    public let transformer: WanTransformer
    public let textEncoder: any TextEncoder
    public let codec: any LatentCodec
    public let prediction: Prediction
    /// The smallest σ a sample prediction is divided by (as in training).
    public let minimumSigma: Double
    /// The sampler's shift where the preset leaves it to the model. A model with fewer tokens suits a smaller one
    /// (SD3, Esser et al. 2024, §5.3.2).
    public let samplingShift: Double
    /// FastVMT's shift (later commit), for Wan2.1-1.3B at 480p: the shift of a model that names none.
    public static let defaultSamplingShift = 7.0

    public init(transformer: WanTransformer, textEncoder: any TextEncoder, codec: any LatentCodec,
                prediction: Prediction = .velocity, minimumSigma: Double = 0.05, samplingShift: Double = defaultSamplingShift) {
        precondition(textEncoder.textDim == transformer.config.textDim, "text encoder gives \(textEncoder.textDim), model reads \(transformer.config.textDim)")
        self.transformer = transformer
        self.textEncoder = textEncoder
        self.codec = codec
        self.prediction = prediction
        self.minimumSigma = minimumSigma
        self.samplingShift = samplingShift
    }

    /// The velocity the sampler steps with, from the transformer's output at `sample` and noise level `sigma`:
    /// x_σ = (1 − σ)·x₀ + σ·n gives v = n − x₀ = (x_σ − x₀) / σ.
    public func velocity(output: Tensor, sample: Tensor, sigma: Double) -> Tensor {
        guard prediction == .sample else { return output }
        return Elementwise.affine(Elementwise.subtract(sample, output), scale: Float(1 / max(sigma, minimumSigma)))
    }
}

/// The pipeline of DESIGN.md: source frames → latents → (per guided step) reference motion → optimisation of the
/// generated latents → denoising with CFG → frames.
public struct MotionTransfer: Sendable {
    public let model: TransferModel

    public init(model: TransferModel) { self.model = model }

    /// `video` [F, 3, H, W] at the codec's frame size, F already `usableFrames`. `progress` is told (done, total)
    /// denoising steps as they finish.
    public func run(
        video: Tensor, prompt: String, negativePrompt: String = "", preset: Preset,
        progress: ((Int, Int) -> Void)? = nil
    ) -> (video: Tensor, report: TransferReport) {
        let clock = ContinuousClock()
        var preset = preset
        let shift = preset.shift ?? model.samplingShift
        preset.shift = shift
        var report = TransferReport(preset: preset, prompt: prompt)
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        func timed<T>(_ stage: String, _ body: () -> T) -> T {
            let start = clock.now
            defer {
                let elapsed = clock.now - start
                report.seconds[stage, default: 0] += seconds(elapsed)
            }
            return body()
        }
        let transformer = model.transformer
        let source = timed("encode") { model.codec.encode(video) }  // [C, F', H', W']
        report.latentShape = source.shape
        let (promptStates, unknown) = model.textEncoder.encode(prompt)
        report.unknownWords = unknown
        let promptContext = transformer.textContext(promptStates)
        let negativeContext = transformer.textContext(model.textEncoder.encode(negativePrompt).states)
        let emptyContext = transformer.textContext(model.textEncoder.encode("").states)

        let guidance = MotionGuidance(model: transformer, preset: preset, latentShape: source.shape)
        report.motionBlock = guidance.block
        report.framePairs = guidance.pairs.count
        let tokens = guidance.grid.frames * guidance.grid.tokensPerFrame
        let textTokens = promptStates.shape[0]
        let fullForward = transformer.config.forwardFLOPs(tokens: tokens, textTokens: textTokens)
        let guidedForward = transformer.config.forwardFLOPs(tokens: tokens, textTokens: textTokens, lastBlock: guidance.block)

        var noiseSource = SeededNoise(seed: preset.seed)
        let noise = noiseSource.normal(source.shape)
        let startIndex = FlowMatching.startIndex(steps: preset.steps, strength: preset.strength)
        var sampler = Sampler(preset, shift: shift, startIndex: startIndex)
        var latents = FlowMatching.noised(source, noise: noise, sigma: sampler.sigmas[startIndex])

        var fixedReference: Tensor?
        if preset.reference == .cleanArgmax {
            fixedReference = timed("reference") {
                report.transformerFLOPs += guidedForward
                return guidance.referenceFlow(guidance.features(Variable(source), time: transformer.timeConditioning(timestep: 0), context: emptyContext))
            }
        }
        var reuse = GradientReuse(interval: preset.skipInterval)
        let total = preset.steps - startIndex
        for index in startIndex..<preset.steps {
            let stepStart = clock.now
            let time = transformer.timeConditioning(timestep: Float(sampler.timesteps[index]))
            if index - startIndex < preset.guidedSteps && preset.iterations > 0 {
                report.guidedStepCount += 1
                let reference = fixedReference ?? timed("reference") {
                    report.transformerFLOPs += guidedForward
                    let noisedSource = FlowMatching.noised(source, noise: noise, sigma: sampler.sigmas[index])
                    return guidance.referenceFlow(guidance.features(Variable(noisedSource), time: time, context: emptyContext))
                }
                timed("guidance") {
                    var optimiser = AdamW(shape: latents.shape, weightDecay: preset.weightDecay)
                    var losses: [Float] = []
                    for iteration in 0..<preset.iterations {
                        let gradient = reuse.gradient(iteration: iteration) {
                            report.transformerFLOPs += 3 * guidedForward
                            let tape = Tape()
                            let z = tape.variable(latents)
                            let loss = guidance.loss(guidance.features(z, time: time, context: promptContext), reference: reference)
                            losses.append(loss.value.item)
                            return tape.gradient(of: loss, wrt: [z])[0]
                        }
                        optimiser.step(&latents, gradient: gradient, learningRate: preset.learningRate(iteration: iteration))
                    }
                    report.losses.append(losses)
                }
            }
            latents = timed("denoise") {
                let sigma = sampler.sigmas[index]
                let predict = { (context: Tensor) -> Tensor in
                    report.transformerFLOPs += fullForward
                    let output = transformer.forward(latents: Variable(latents), time: time, context: context).output!.value
                    return model.velocity(output: output, sample: latents, sigma: sigma)
                }
                let conditional = predict(promptContext)
                guard preset.guidanceScale != 1 else { return sampler.step(velocity: conditional, sample: latents, index: index) }
                let unconditional = predict(negativeContext)
                let velocity = ClassifierFreeGuidance.combine(unconditional: unconditional, conditional: conditional, scale: preset.guidanceScale)
                return sampler.step(velocity: velocity, sample: latents, index: index)
            }
            let stepElapsed = clock.now - stepStart
            report.stepSeconds.append(seconds(stepElapsed))
            progress?(index - startIndex + 1, total)
        }
        report.freshGradients = reuse.freshCount
        report.reusedGradients = reuse.reusedCount
        report.gradientCosines = reuse.cosines
        let output = timed("decode") { model.codec.decode(latents) }
        return (output, report)
    }
}
