import Evaluation
import Foundation
import Tensor
import Transfer
import VideoIO

/// What one end-to-end run of a preset on a clip cost and gave: stage times (seconds), work done, peak memory, and
/// the quality of the result. The stages do not overlap and add up to `total`.
struct TransferMeasurement: Codable {
    var clip: String
    var preset: String
    var total: Double
    /// Demux + decode + scale of the source, and the codec's encode to latents.
    var decode: Double
    /// The source's motion (reference AMF), at every guided step (FastVMT) or once (DiTFlow).
    var motionExtraction: Double
    /// The guided denoising steps less their motion extraction: optimisation, then the step itself.
    var guidedSteps: Double
    var plainSteps: Double
    /// The codec's decode from latents, scale + encode + mux of the result.
    var encode: Double
    var guidedStepCount: Int
    var plainStepCount: Int
    var freshGradients: Int
    var reusedGradients: Int
    var transformerGFLOP: Double
    var peakRSSMiB: Double
    /// Symmetric motion fidelity of the result against the source (Evaluation.MotionFidelity), and its
    /// generated → source direction alone (the one the reference code reports).
    var motionFidelity: Double
    var motionFidelityGeneratedToSource: Double
    var temporalConsistency: Double
}

/// Runs presets end to end the way fastvmt-ff does (decode → transfer → encode to a file) and measures each run.
struct TransferRunner {
    let model: TransferModel
    let transfer: MotionTransfer
    /// Where results are encoded to (overwritten run after run).
    let output: String

    init(model: TransferModel, output: String) {
        self.model = model
        transfer = MotionTransfer(model: model)
        self.output = output
    }

    /// The first frames the model takes, at its frame size: [F, 3, H, W]; and the source's own size and rate,
    /// which the result is encoded at.
    func decode(_ path: String) throws -> (video: Tensor, size: PixelSize, rate: Rational) {
        var options = ReaderOptions()
        options.includeAudio = false
        let size = model.codec.frameSize
        options.size = PixelSize(width: size.width, height: size.height)
        let reader = try VideoReader(path: path, options: options)
        var pixels: [Float] = [], frames = 0
        let wanted = model.codec.usableFrames(Int.max)
        while frames < wanted, let event = try reader.next() {
            if case .video(let frame) = event {
                pixels += frame.converted(to: .planar).pixels
                frames += 1
            }
        }
        frames = model.codec.usableFrames(frames)
        let video = Tensor(shape: [frames, 3, size.height, size.width], scalars: Array(pixels.prefix(frames * 3 * size.width * size.height)))
        // Even sizes, as fastvmt-ff rounds them for yuv420p.
        let source = PixelSize(width: reader.info.displayWidth / 2 * 2, height: reader.info.displayHeight / 2 * 2)
        return (video, source, reader.outputFrameRate)
    }

    func run(input: String, prompt: String, preset: Preset) throws -> TransferMeasurement {
        PeakMemory.reset()
        let ((video, size, rate), decodeSeconds) = try Timing.once { try decode(input) }
        let ((generated, report), runSeconds) = Timing.once { transfer.run(video: video, prompt: prompt, preset: preset) }
        let (_, encodeSeconds) = try Timing.once { try encode(generated, size: size, rate: rate) }
        let peak = PeakMemory.mebibytes()

        let stage = { (name: String) in report.seconds[name] ?? 0 }
        let guided = report.stepSeconds.prefix(report.guidedStepCount).reduce(0, +)
        // FastVMT extracts the reference inside each guided step; DiTFlow once, before the loop.
        let extractionInSteps = preset.reference == .cleanArgmax ? 0 : stage("reference")
        let plain = report.stepSeconds.dropFirst(report.guidedStepCount).reduce(0, +)
        let accounted = stage("encode") + stage("decode") + report.stepSeconds.reduce(0, +) + (stage("reference") - extractionInSteps)
        let source = gray(video), result = gray(generated)
        let fidelity = MotionFidelity(source: source, generated: result)
        return TransferMeasurement(
            clip: input, preset: preset.name, total: decodeSeconds + runSeconds + encodeSeconds,
            // What the run spent outside its stages (text encoding, noise) is small; it is counted with decoding.
            decode: decodeSeconds + stage("encode") + (runSeconds - accounted),
            motionExtraction: stage("reference"), guidedSteps: guided - extractionInSteps, plainSteps: plain,
            encode: stage("decode") + encodeSeconds,
            guidedStepCount: report.guidedStepCount, plainStepCount: report.stepSeconds.count - report.guidedStepCount,
            freshGradients: report.freshGradients, reusedGradients: report.reusedGradients,
            transformerGFLOP: report.transformerFLOPs / 1e9, peakRSSMiB: peak,
            motionFidelity: fidelity.score, motionFidelityGeneratedToSource: fidelity.generatedToSource,
            temporalConsistency: TemporalConsistency.score(result))
    }

    private func encode(_ video: Tensor, size: PixelSize, rate: Rational) throws {
        let frames = video.shape[0], height = video.shape[2], width = video.shape[3], plane = 3 * width * height
        var options = WriterOptions()
        options.overwrite = true
        let writer = try VideoWriter(path: output, size: size, frameRate: rate, options: options)
        let scalars = video.scalars
        for f in 0..<frames {
            try writer.write(RGBFrame(width: width, height: height, layout: .planar, pixels: Array(scalars[(f * plane)..<((f + 1) * plane)]), index: f))
        }
        try writer.finish()
    }

    private func gray(_ video: Tensor) -> GrayVideo {
        GrayVideo(planarRGB: video.scalars, frames: video.shape[0], width: video.shape[3], height: video.shape[2])
    }
}
