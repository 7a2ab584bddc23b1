import ArgumentParser
import BuiltInModel
import Foundation
import Transfer
import VideoIO

struct FastVMTFF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastvmt-ff",
        abstract: "Video motion transfer in FFmpeg pipelines: a new clip from a prompt that moves like IN.",
        discussion: """
            Reads IN (a file, a URL, or - for stdin) and writes OUT (a file, or - for stdout). With --prompt, the
            model generates a clip showing the prompt that moves the way IN moves (FastVMT; --preset ditflow for the
            DiTFlow baseline); without it, IN is only decoded and re-encoded. Audio is copied unchanged. Files are
            written as OUT.part and renamed when complete.

            Examples:
              fastvmt-ff samples/ball.mp4 --prompt "a red circle on a striped gray background" out.mp4
              fastvmt-ff in.mp4 --prompt "a blue square on a black background" --preset ditflow --report run.json out.mp4
              fastvmt-ff samples/ball.mp4 out.mp4
              fastvmt-ff in.mkv --size 320x240 --fps 12 --start 1 --duration 2 -c:v libx264 --crf 18 out.mp4
              ffmpeg -i cam.mkv -f nut - | fastvmt-ff - -f nut - | ffmpeg -i - -c:v libx264 out.mp4
              fastvmt-ff in.mp4 -f mp4 - > fragmented.mp4
            """,
        version: "0.1.0"
    )

    @Argument(help: "Input: a file, a URL, or - for stdin.")
    var input: String?

    @Argument(help: "Output: a file, or - for stdout.")
    var output: String?

    @Option(help: ArgumentHelp("Output size, e.g. 640x360 (default: the source's).", valueName: "WxH"))
    var size: String?

    @Option(help: ArgumentHelp("Output frame rate, e.g. 24, 29.97 or 30000/1001 (default: the source's).",
                               valueName: "rate"))
    var fps: String?

    @Option(help: ArgumentHelp("Skip this much of the input: seconds or [HH:]MM:SS[.ms].", valueName: "time"))
    var start: String?

    @Option(help: ArgumentHelp("Process at most this much: seconds or [HH:]MM:SS[.ms].", valueName: "time"))
    var duration: String?

    @Option(name: .customShort("f"), help: ArgumentHelp("Output container (default: from the name; nut on a pipe).",
                                                        valueName: "format"))
    var format: String?

    @Option(name: .customLong("input-format"), help: ArgumentHelp("Input container, instead of probing.",
                                                                   valueName: "format"))
    var inputFormat: String?

    @Option(name: .customLong("c:v", withSingleDash: true), help: ArgumentHelp("Video encoder.", valueName: "codec"))
    var videoCodec = "libx264"

    @Option(help: ArgumentHelp("Constant rate factor (lower is better; x264's default is 23).", valueName: "n"))
    var crf: Double?

    @Option(name: .customLong("b:v", withSingleDash: true), help: ArgumentHelp("Video bit rate, e.g. 2M or 800k.",
                                                                              valueName: "rate"))
    var bitrate: String?

    @Option(name: .customLong("pix_fmt", withSingleDash: true), help: ArgumentHelp("Output pixel format.",
                                                                                  valueName: "format"))
    var pixelFormat: String?

    @Option(help: ArgumentHelp("What the new clip shows; without it, IN is re-encoded unchanged.", valueName: "text"))
    var prompt: String?

    @Option(name: .customLong("negative-prompt"), help: ArgumentHelp("What to steer away from (CFG's unconditional side).",
                                                                     valueName: "text"))
    var negativePrompt = ""

    @Option(help: ArgumentHelp("fast (default), ditflow, quality, or a preset JSON file.", valueName: "name|file"))
    var preset = "fast"

    @Option(help: "Denoising steps.") var steps: Int?
    @Option(name: .customLong("opt-steps"), help: "Denoising steps with motion guidance.") var optSteps: Int?
    @Option(help: "Optimiser iterations per guided step.") var iters: Int?
    @Option(help: "Window size l (tokens) of the window flow.") var window: Int?
    @Option(help: "A fresh gradient every k-th iteration (1 = always).") var skip: Int?
    @Option(help: "Learning rate (start; the end keeps the preset's ratio).") var lr: Float?
    @Option(help: "Seed of the noise.") var seed: UInt64?
    @Option(help: "Classifier-free guidance scale.") var guidance: Float?
    @Option(help: "How far the source is noised before generation (1 = pure noise).") var strength: Double?

    @Option(help: ArgumentHelp("A model directory (the layout scripts/train_model.py exports) instead of the built-in model.",
                               valueName: "dir"))
    var model: String?

    @Option(help: ArgumentHelp("Write what the run did (times, gradients, losses) as JSON.", valueName: "file"))
    var report: String?

    @Flag(name: .customLong("model-info"), help: "Describe the model (size, vocabulary) and exit.")
    var modelInfo = false

    @Flag(name: .customLong("list-presets"), help: "List the built-in presets and exit.")
    var listPresets = false

    @Flag(name: .customShort("y"), help: "Overwrite the output if it exists.")
    var overwrite = false

    @Flag(name: .customShort("n"), help: "Never overwrite: fail if the output exists.")
    var noOverwrite = false

    @Flag(name: .customShort("q"), help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .customShort("v"), help: "Print more, including FFmpeg's own messages.")
    var verbose = false

    func validate() throws {
        if overwrite && noOverwrite { throw ValidationError("-y and -n contradict each other") }
        if quiet && verbose { throw ValidationError("-q and -v contradict each other") }
        if modelInfo || listPresets { return }
        guard let input, let output else { throw ValidationError("give an input and an output (- for stdin / stdout)") }
        if input != "-" && input == output { throw ValidationError("input and output are the same file") }
        if let prompt, prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--prompt is empty")
        }
    }

    func run() throws {
        let log = Log(level: quiet ? .quiet : verbose ? .verbose : .normal)
        FFmpegLog.install(level: quiet ? .quiet : verbose ? .info : .quiet)
        if listPresets {
            for p in Preset.builtIn {
                print("\(p.name)\t\(p.flow.rawValue) flow over \(p.framePairsDescription), \(p.iterations) iterations on "
                    + "\(p.guidedSteps) of \(p.steps) steps, a fresh gradient every \(p.skipInterval)")
            }
            return
        }
        if modelInfo {
            print(try ModelInfo.describe(try modelDirectory()))
            return
        }
        guard let input, let output else { return }
        guard let prompt else {
            try ReencodeJob(readerOptions(), writerOptions(), input: input, output: output).run(log: log)
            return
        }
        let job = TransferJob(readerOptions: try readerOptions(), writerOptions: try writerOptions(), input: input,
                              output: output, prompt: prompt, negativePrompt: negativePrompt, preset: try resolvedPreset(),
                              modelDirectory: try modelDirectory(), reportPath: report,
                              outputSize: try outputSize())
        try job.run(log: log)
    }

    private func modelDirectory() throws -> ModelDirectory {
        do {
            return try model.map { try ModelDirectory(url: URL(fileURLWithPath: $0)) } ?? ModelDirectory.builtIn()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The preset with the command line's overrides applied.
    private func resolvedPreset() throws -> Preset {
        do {
            var p = try Preset.named(preset)
            if let steps { p.steps = steps }
            if let optSteps { p.guidedSteps = optSteps }
            if let iters { p.iterations = iters }
            if let window { p.window.size = window }
            if let skip { p.skipInterval = skip }
            if let lr {
                p.learningRateEnd = lr * p.learningRateEnd / p.learningRateStart
                p.learningRateStart = lr
            }
            if let seed { p.seed = seed }
            if let guidance { p.guidanceScale = guidance }
            if let strength { p.strength = strength }
            return try p.validated()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private func parseSize(_ text: String) throws -> PixelSize {
        guard let parsed = PixelSize(parsing: text) else { throw ValidationError("--size wants WxH, got '\(text)'") }
        return parsed
    }

    /// The transfer's output size: frames are scaled to it on encoding, so it must suit 4:2:0 (even sides).
    private func outputSize() throws -> PixelSize? {
        guard let size else { return nil }
        let parsed = try parseSize(size)
        guard parsed.width % 2 == 0 && parsed.height % 2 == 0 else {
            throw ValidationError("--size \(size): width and height must be even")
        }
        return parsed
    }

    private func readerOptions() throws -> ReaderOptions {
        var options = ReaderOptions()
        if let size { options.size = try parseSize(size) }
        options.sizeMultiple = 2
        if let fps {
            guard let rate = OptionValues.frameRate(fps) else { throw ValidationError("--fps: bad rate '\(fps)'") }
            options.frameRate = rate
        }
        if let start {
            guard let s = OptionValues.seconds(start) else { throw ValidationError("--start: bad time '\(start)'") }
            options.start = s
        }
        if let duration {
            guard let d = OptionValues.seconds(duration), d > 0 else {
                throw ValidationError("--duration: bad time '\(duration)'")
            }
            options.duration = d
        }
        options.inputFormat = inputFormat
        return options
    }

    private func writerOptions() throws -> WriterOptions {
        var options = WriterOptions()
        options.format = format
        options.overwrite = overwrite
        options.encoder.codec = videoCodec
        options.encoder.crf = crf
        options.encoder.pixelFormat = pixelFormat
        if let bitrate {
            guard let bps = OptionValues.bitrate(bitrate) else { throw ValidationError("-b:v: bad rate '\(bitrate)'") }
            options.encoder.bitrate = bps
        }
        return options
    }
}
