import ArgumentParser
import Foundation
import VideoIO

/// Decodes and re-encodes a clip over and over and prints resident memory as it goes: a leak of any FFmpeg object per
/// frame shows as steady growth. Run in its own process so nothing else moves the figure.
struct MemoryCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Resident memory while decoding and encoding N frames in a loop (one line per pass)."
    )

    @Option(help: "Clip to decode and re-encode.")
    var input: String

    @Option(help: "Frames to push through in all.")
    var frames = 500

    @Option(help: "Where to write the re-encoded passes (overwritten each pass).")
    var output: String

    func run() throws {
        var done = 0
        var pass = 0
        while done < frames {
            let reader = try VideoReader(path: input)
            var options = WriterOptions()
            options.overwrite = true
            let writer = try VideoWriter(path: output, size: reader.outputSize, frameRate: reader.outputFrameRate,
                                         audio: reader.info.audio, options: options)
            while done < frames, let event = try reader.next() {
                switch event {
                case .video(let frame):
                    try writer.write(frame)
                    done += 1
                case .audio(let packet):
                    try writer.write(packet)
                }
            }
            try writer.finish()
            pass += 1
            print("pass \(pass) frames \(done) rss_kb \(residentKilobytes())")
        }
    }

    private func residentKilobytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024 : 0
    }
}
