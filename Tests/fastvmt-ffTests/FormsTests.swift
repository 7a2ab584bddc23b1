import Foundation
import Testing
import TestSupport

/// The other forms of the command line: `info`, `--dry-run` on one file, `--progress`, `--help`, a transfer in a
/// pipe chain.
@Suite struct FormsTests {
    let binary = builtProduct("fastvmt-ff")
    let quick = "--steps 3 --opt-steps 1 --iters 2 --strength 1"

    @Test func infoDescribesStreamsSizeRateFramesAndDuration() throws {
        let result = try run(binary, ["info", sample("testsrc2_audio.mp4")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.contains("video: h264 320x240 yuv420p, 24 fps, 48 frames"), "\(lines)")
        #expect(lines.contains("duration: 2.000 s") || lines.contains { $0.hasPrefix("duration: 2.0") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("audio: aac") })
        #expect(lines.contains { $0.hasPrefix("size: ") && $0.hasSuffix(" bytes") })
        let missing = try run(binary, ["info", "/nonexistent.mp4"])
        #expect(missing.status == 1 && missing.stderrLines.count == 1)
    }

    @Test func dryRunOnOneFileWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let result = try run(binary, [sample("ball.mp4"), "--prompt", "a red circle", dir.path("o.mp4"), "--dry-run"])
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "\(sample("ball.mp4")) → \(dir.path("o.mp4")): \"a red circle\"\n")
        #expect(try dir.contents().isEmpty)
    }

    @Test func progressStyles() throws {
        let dir = try TemporaryDirectory()
        let bar = try run(binary, [sample("ball.mp4"), dir.path("a.mp4"), "--progress=bar"])
        #expect(bar.status == 0)
        #expect(bar.stderrLines.last?.contains("done: 72 frames") == true, "\(bar.stderr)")
        let none = try run(binary, [sample("ball.mp4"), dir.path("b.mp4"), "--progress=none"])
        #expect(none.status == 0 && none.stderr.isEmpty)
        let plain = try run(binary, [sample("ball.mp4"), dir.path("c.mp4"), "--progress", "plain"])
        #expect(!plain.stderr.contains("\r"))
    }

    @Test func helpShowsExamplesOfEachUse() throws {
        let help = String(decoding: try run(binary, ["--help"]).stdout, as: UTF8.self)
        for example in ["--prompt \"a red circle on a gray background\" out.mp4", "--batch clips", "--shard 2/4",
                        "| fastvmt-ff - --prompt", "fastvmt-ff info"] {
            #expect(help.contains(example), "\(example)")
        }
    }

    @Test func transferInAPipeChainToFFprobe() throws {
        let result = try shell("""
            ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=64x64:rate=8 -t 2 -f nut - \
            | '\(binary)' - --prompt 'a red circle' -f nut - \(quick) -q \
            | ffprobe -v error -count_frames -show_entries stream=codec_name,width,nb_read_frames -of csv=p=0 -
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "h264,64,16")
    }
}
