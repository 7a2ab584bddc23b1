import Foundation
import Testing
import TestSupport

/// End to end: the built binary on real files, checked with ffprobe and ffmpeg's psnr filter.
@Suite struct RoundTripTests {
    let binary = builtProduct("fastvmt-ff")

    @Test func reencodesWithAudioAndKeepsPixels() throws {
        let dir = try TemporaryDirectory()
        let source = sample("testsrc2_audio.mp4"), out = dir.path("out.mp4")
        let result = try run(binary, [source, out, "--crf", "18"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let probe = try Probe(out)
        #expect(probe.video?.codec == "h264")
        #expect(probe.video?.width == 320 && probe.video?.height == 240)
        #expect(probe.video?.frameRate == 24)
        #expect(abs((probe.video?.frames ?? 0) - 48) <= 1)
        #expect(abs((probe.duration ?? 0) - 2) <= 1.0 / 24 + 0.03)
        #expect(probe.audio?.codec == "aac")
        #expect(try psnr(out, source) >= 35)
        #expect(try dir.contents() == ["out.mp4"])
    }

    @Test func sourceWithoutAudioGivesNoAudio() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("ball.mkv")
        let result = try run(binary, [sample("ball.mp4"), out])
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try Probe(out)
        #expect(probe.formatName.contains("matroska"))
        #expect(probe.video?.frames == 72)
        #expect(probe.audio == nil)
    }

    @Test func sizeRateStartAndDuration() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("cut.mp4")
        let result = try run(binary, [sample("testsrc2_audio.mp4"), "--size", "160x120", "--fps", "12",
                                      "--start", "0.5", "--duration", "00:00:01", out])
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try Probe(out)
        #expect(probe.video?.width == 160 && probe.video?.height == 120)
        #expect(probe.video?.frameRate == 12)
        #expect(abs((probe.video?.frames ?? 0) - 12) <= 1)
        #expect(abs((probe.duration ?? 0) - 1) <= 1.0 / 12 + 0.05)
        #expect(probe.audio != nil)
    }

    @Test func otherCodecAndPixelFormat() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("out.mkv")
        let result = try run(binary, [sample("squares.mkv"), "-c:v", "ffv1", "-pix_fmt", "yuv444p", out])
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try Probe(out)
        #expect(probe.video?.codec == "ffv1")
        #expect(probe.video?.frames == 50)
    }

    @Test func pipesNutThroughStdinAndStdout() throws {
        let script = """
            ffmpeg -nostdin -v error -i '\(sample("squares.mkv"))' -f nut - \
            | '\(binary)' - -f nut - \
            | ffprobe -v error -count_frames -show_entries stream=codec_name,nb_read_frames -of csv=p=0 -
            """
        let result = try shell(script)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            == "h264,50")
    }

    @Test func mp4OnStdoutIsFragmented() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("piped.mp4")
        let result = try shell("'\(binary)' '\(sample("testsrc2_audio.mp4"))' -f mp4 - > '\(out)'")
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try Probe(out)
        #expect(probe.video?.frames == 48)
        #expect(probe.audio?.codec == "aac")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.range(of: Data("moof".utf8)) != nil)
        #expect(bytes.range(of: Data("mvex".utf8)) != nil)
    }

    @Test func existingOutputNeedsYes() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("out.mp4")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        for flags in [[String](), ["-n"]] {
            let result = try run(binary, [sample("ball.mp4"), out] + flags)
            #expect(result.status == 1)
            #expect(result.stderrLines.count == 1 && result.stderr.contains("exists"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data("keep me".utf8))
        }
        let result = try run(binary, [sample("ball.mp4"), out, "-y"])
        #expect(result.status == 0)
        #expect(try Probe(out).video?.frames == 72)
        #expect(try dir.contents() == ["out.mp4"])
    }

    @Test func progressAndQuiet() throws {
        let dir = try TemporaryDirectory()
        let normal = try run(binary, [sample("ball.mp4"), dir.path("a.mp4")])
        #expect(normal.stderrLines.last?.hasPrefix("done: 72 frames") == true)
        let quiet = try run(binary, [sample("ball.mp4"), dir.path("b.mp4"), "-q"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }
}
