import ArgumentParser
import Foundation
import VideoIO

struct FastVMTFF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastvmt-ff",
        abstract: "Video motion transfer in FFmpeg pipelines (this build: the decode → Float32 RGB → encode path).",
        discussion: """
            Reads IN (a file, a URL, or - for stdin), decodes it to Float32 RGB frames and encodes them to OUT (a file,
            or - for stdout). Audio is copied unchanged. Files are written as OUT.part and renamed when complete.

            Examples:
              fastvmt-ff samples/ball.mp4 out.mp4
              fastvmt-ff in.mkv --size 320x240 --fps 12 --start 1 --duration 2 -c:v libx264 --crf 18 out.mp4
              ffmpeg -i cam.mkv -f nut - | fastvmt-ff - -f nut - | ffmpeg -i - -c:v libx264 out.mp4
              fastvmt-ff in.mp4 -f mp4 - > fragmented.mp4
            """,
        version: "0.1.0"
    )

    @Argument(help: "Input: a file, a URL, or - for stdin.")
    var input: String

    @Argument(help: "Output: a file, or - for stdout.")
    var output: String

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
        if input != "-" && input == output { throw ValidationError("input and output are the same file") }
    }

    func run() throws {
        let log = Log(level: quiet ? .quiet : verbose ? .verbose : .normal)
        FFmpegLog.install(level: quiet ? .quiet : verbose ? .info : .quiet)
        let job = try ReencodeJob(readerOptions(), writerOptions(), input: input, output: output)
        try job.run(log: log)
    }

    private func readerOptions() throws -> ReaderOptions {
        var options = ReaderOptions()
        if let size {
            guard let parsed = PixelSize(parsing: size) else { throw ValidationError("--size wants WxH, got '\(size)'") }
            options.size = parsed
        }
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
