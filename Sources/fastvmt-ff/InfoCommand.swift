import ArgumentParser
import Foundation
import VideoIO

/// `fastvmt-ff info FILE`: what a file holds, as the reader sees it (the streams a run would use).
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastvmt-ff info",
        abstract: "Describe a video: container, size, streams, frame rate, frames, duration.",
        discussion: """
            Examples:
              fastvmt-ff info samples/ball.mp4
              ffmpeg -i in.mkv -f nut - | fastvmt-ff info -
            """
    )

    @Argument(help: "A file, a URL, or - for stdin.")
    var input: String

    @Option(name: .customLong("input-format"), help: ArgumentHelp("Input container, instead of probing.",
                                                                   valueName: "format"))
    var inputFormat: String?

    /// A file named "info" is still an input as `./info`.
    static func isChosen(by arguments: [String]) -> Bool { arguments.first == "info" }

    func run() throws {
        FFmpegLog.install(level: .quiet)
        var options = ReaderOptions()
        options.inputFormat = inputFormat
        let info = try VideoReader(path: input, options: options).info
        var lines = ["file: \(input)", "container: \(info.container)"]
        if input != "-", let bytes = try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int {
            lines.append("size: \(bytes) bytes")
        }
        lines.append("duration: " + (info.duration.map { String(format: "%.3f s", $0) } ?? "unknown"))
        var video = "video: \(info.codec) \(info.width)x\(info.height) \(info.pixelFormat), \(info.frameRate) fps, "
            + (info.frameCount.map { "\($0) frames" } ?? "frames unknown")
        if info.rotation != 0 {
            video += ", rotation \(info.rotation) (shown \(info.displayWidth)x\(info.displayHeight))"
        }
        lines.append(video)
        lines.append(info.audio.map { "audio: \($0.codec) \($0.sampleRate) Hz, \($0.channels) channels" } ?? "audio: none")
        print(lines.joined(separator: "\n"))
    }
}
