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
            One file: reads IN (a file, a URL, or - for stdin) and writes OUT (a file, or - for stdout). With \
            --prompt, the model generates a clip showing the prompt that moves the way IN moves (FastVMT; --preset \
            ditflow for the DiTFlow baseline); without it, IN is only decoded and re-encoded. Audio is copied \
            unchanged. Files are written as OUT.part and renamed when complete; an interrupted run (Ctrl-C, SIGTERM) \
            removes its .part files and exits 130 (143 for SIGTERM).

            A folder: --batch DIR --out OUTDIR processes every video under DIR (mp4 mkv mov webm avi nut m4v, in \
            sorted order) into the same relative path under OUTDIR and skips outputs that exist, so running it again \
            resumes. A file's prompt is NAME.prompt.txt next to it, else its line in --prompts, else --prompt; with \
            none of them, files are re-encoded. A failed file does not stop the others; the exit status is 1 if any \
            failed.

            `fastvmt-ff info FILE` describes a file. Ready recipes (webcam, side by side, parallel batches) are in \
            the filters/ folder.

            Examples:
              fastvmt-ff ball.mp4 --prompt "a red circle on a gray background" out.mp4
              fastvmt-ff in.mp4 --prompt "a blue square" --preset ditflow out.mp4
              fastvmt-ff in.mkv --size 320x240 --fps 12 --start 1 --duration 2 out.mp4

              fastvmt-ff --batch clips --prompt "a red circle" --out results --jobs 2
              fastvmt-ff --batch clips --prompts prompts.tsv --out results --dry-run
              fastvmt-ff --batch clips --prompt "a red circle" --out results --shard 2/4

              ffmpeg -i cam.mkv -f nut - \\
                | fastvmt-ff - --prompt "a red circle" -f nut - \\
                | ffmpeg -i - -c:v libx264 out.mp4

              fastvmt-ff info in.mp4
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

    @Flag(help: "Stop at the first damaged packet or early end of the input instead of skipping and reporting it.")
    var strict = false

    @Option(name: .customShort("f"), help: ArgumentHelp("Output container (default: from the name; nut on a pipe).",
                                                        valueName: "format"))
    var format: String?

    @Option(name: .customLong("input-format"), help: ArgumentHelp("Input container, instead of probing.",
                                                                   valueName: "format"))
    var inputFormat: String?

    @Option(name: .customLong("c:v", withSingleDash: true),
            help: ArgumentHelp("Video encoder (default: libx264; libvpx-vp9 for webm).", valueName: "codec"))
    var videoCodec: String?

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
    @Option(help: "Shift of the noise schedule (default: the model's, shown by --model-info).") var shift: Double?
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

    @Option(help: ArgumentHelp("Process every video under this folder (recursively) into --out.", valueName: "dir"))
    var batch: String?

    @Option(help: ArgumentHelp("The output folder of --batch: the input folder's tree is mirrored there.",
                               valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Prompts for --batch, one line per file: relative/path.mp4<TAB>prompt.",
                               valueName: "file"))
    var prompts: String?

    @Option(help: "Files of --batch processed at once (they share one copy of the model).")
    var jobs = 1

    @Option(help: ArgumentHelp("Do only part I of N of --batch (file k of the sorted list goes to part k mod N + 1).",
                               valueName: "I/N"))
    var shard: Shard?

    @Option(help: ArgumentHelp("Write what --batch did to each file as JSON.", valueName: "file"))
    var summary: String?

    @Flag(name: .customLong("dry-run"), help: "Print what would be done, one line per file, and exit.")
    var dryRun = false

    @Option(help: ArgumentHelp("Progress on stderr: bar (default on a terminal), plain (a line a second) or none.",
                               valueName: "style"))
    var progress: ProgressStyle?

    @Flag(name: [.customShort("y"), .customLong("overwrite")],
          help: "Overwrite the output if it exists (--batch: redo files whose output exists).")
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
        if let prompt, prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--prompt is empty")
        }
        // The arguments were decoded with invalid UTF-8 replaced by U+FFFD: the prompt is not what the user typed.
        for (text, name) in [(prompt, "--prompt"), (negativePrompt, "--negative-prompt")] where text?.contains("\u{FFFD}") == true {
            throw ValidationError("\(name) is not valid UTF-8 text")
        }
        if modelInfo || listPresets { return }
        if batch != nil {
            if input != nil { throw ValidationError("--batch takes no IN or OUT: name the output folder with --out") }
            if out == nil { throw ValidationError("--batch needs --out DIR") }
            if report != nil { throw ValidationError("--report describes one run; with --batch, use --summary") }
            if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            return
        }
        for (given, name) in [(out != nil, "--out"), (prompts != nil, "--prompts"), (jobs != 1, "--jobs"),
                              (shard != nil, "--shard"), (summary != nil, "--summary")] where given {
            throw ValidationError("\(name) goes with --batch DIR")
        }
        guard let input, let output else { throw ValidationError("give an input and an output (- for stdin / stdout)") }
        if input != "-" && input == output { throw ValidationError("input and output are the same file") }
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
        if let batch, let out {
            try runBatch(batch, into: out, log: log)
            return
        }
        guard let input, let output else { return }
        if dryRun {
            let exists = !overwrite && output != "-" && FileManager.default.fileExists(atPath: output)
            let action: BatchItem.Action = exists ? .fail("\(output) already exists (use -y to overwrite)")
                : prompt.map { .transfer(prompt: $0) } ?? .reencode
            print(BatchItem(file: input, input: input, output: output, action: action).dryRunLine)
            if exists { throw ExitCode(1) }
            return
        }
        let style = ProgressStyle.resolve(progress, quiet: quiet)
        do {
            if let prompt {
                try TransferJob(readerOptions: try readerOptions(), writerOptions: try writerOptions(for: output), input: input,
                                output: output, prompt: prompt, negativePrompt: negativePrompt, preset: try resolvedPreset(),
                                model: try modelDirectory().load(), reportPath: report, outputSize: try outputSize(),
                                progress: style).run(log: log)
            } else {
                try ReencodeJob(readerOptions: try readerOptions(), writerOptions: try writerOptions(for: output), input: input,
                                output: output, progress: style).run(log: log)
            }
        } catch where output == "-" && Signals.stdoutIsClosed() {
            // The reader downstream stopped reading (`| head`, a closed player): that ends the run, as for ffmpeg.
            log.verbose("stdout was closed; stopping")
        }
    }

    private func runBatch(_ directory: String, into outputDirectory: String, log: Log) throws {
        let plan = try BatchPlan(directory: directory, outputDirectory: outputDirectory, format: format,
                                 prompts: try PromptSources(common: prompt, promptsFile: prompts), shard: shard,
                                 overwrite: overwrite, log: log)
        if dryRun {
            for item in plan.items { print(item.dryRunLine) }
            if plan.items.contains(where: { if case .fail = $0.action { true } else { false } }) { throw ExitCode(1) }
            return
        }
        // The encoder is chosen per file below: the outputs' containers may differ.
        let (readerOptions, writerOptions) = (try readerOptions(), try writerOptions(for: outputDirectory))
        let (videoCodec, format) = (videoCodec, format)
        let (preset, outputSize, negativePrompt) = (try resolvedPreset(), try outputSize(), negativePrompt)
        // Loaded once, before the workers start, and only when some file needs it.
        let model = plan.items.contains { $0.prompt != nil } ? try modelDirectory().load() : nil
        let job = BatchJob(plan: plan, jobs: jobs, log: log, progress: ProgressStyle.resolve(progress, quiet: quiet)) { item, log in
            var writerOptions = writerOptions
            writerOptions.encoder.codec = FastVMTFF.encoder(chosen: videoCodec, output: item.output, format: format)
            if let prompt = item.prompt, let model {
                try TransferJob(readerOptions: readerOptions, writerOptions: writerOptions, input: item.input,
                                output: item.output, prompt: prompt, negativePrompt: negativePrompt, preset: preset,
                                model: model, reportPath: nil, outputSize: outputSize, progress: .none).run(log: log)
            } else {
                try ReencodeJob(readerOptions: readerOptions, writerOptions: writerOptions, input: item.input,
                                output: item.output, progress: .none).run(log: log)
            }
        }
        let summary = BatchSummary(job.run(), shard: shard)
        if let path = self.summary { try summary.write(to: path) }
        if log.level >= .normal || summary.failed > 0 { Log.error(summary.line) }
        if summary.failed > 0 { throw ExitCode(1) }
    }

    private func modelDirectory() throws -> ModelDirectory {
        do {
            return try model.map { try ModelDirectory(url: URL(fileURLWithPath: $0)) } ?? ModelDirectory.builtIn()
        } catch {
            throw InputError("\(error)")
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
            if let shift { p.shift = shift }
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
        options.strict = strict
        return options
    }

    private func writerOptions(for output: String) throws -> WriterOptions {
        var options = WriterOptions()
        options.format = format
        options.overwrite = overwrite
        options.encoder.codec = FastVMTFF.encoder(chosen: videoCodec, output: output, format: format)
        options.encoder.crf = crf
        options.encoder.pixelFormat = pixelFormat
        if let bitrate {
            guard let bps = OptionValues.bitrate(bitrate) else { throw ValidationError("-b:v: bad rate '\(bitrate)'") }
            options.encoder.bitrate = bps
        }
        return options
    }

    /// `-c:v`, else what the container can hold: webm takes only VP8, VP9 and AV1.
    static func encoder(chosen: String?, output: String, format: String?) -> String {
        if let chosen { return chosen }
        let webm = format.map { $0 == "webm" } ?? (URL(fileURLWithPath: output).pathExtension.lowercased() == "webm")
        return webm ? "libvpx-vp9" : "libx264"
    }
}
