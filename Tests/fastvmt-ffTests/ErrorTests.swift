import Foundation
import Testing
import TestSupport

/// Bad input and unwritable output: exit status 1, exactly one line on stderr, and nothing left in the output folder.
@Suite struct ErrorTests {
    @Test func missingFile() throws {
        let dir = try TemporaryDirectory()
        try expectCleanFailure([dir.path("nope.mp4"), dir.path("out.mp4")], in: dir, mentions: ["No such file"])
    }

    @Test func textFileNamedMP4() throws {
        let dir = try TemporaryDirectory()
        try Data("this is not a video\n".utf8).write(to: URL(fileURLWithPath: dir.path("text.mp4")))
        try expectCleanFailure([dir.path("text.mp4"), dir.path("out.mp4")], in: dir, mentions: ["text.mp4"])
    }

    @Test func truncatedMP4IndexAtTheEnd() throws {
        let dir = try TemporaryDirectory()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sample("testsrc2_audio.mp4")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir.path("cut.mp4")))
        try expectCleanFailure([dir.path("cut.mp4"), dir.path("out.mp4")], in: dir, mentions: ["cut.mp4"])
    }

    /// Without --strict the frames before the cut are kept (ReliabilityTests); with it, the cut is an error.
    @Test func truncatedMP4IndexAtTheStartWithStrict() throws {
        let dir = try TemporaryDirectory()
        try ffmpeg(["-i", sample("testsrc2_audio.mp4"), "-c", "copy", "-movflags", "+faststart", dir.path("fs.mp4")])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.path("fs.mp4")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir.path("cut.mp4")))
        try FileManager.default.removeItem(atPath: dir.path("fs.mp4"))
        try expectCleanFailure([dir.path("cut.mp4"), dir.path("out.mp4"), "--strict"], in: dir, mentions: ["cut.mp4"])
    }

    @Test func audioOnlyFile() throws {
        let dir = try TemporaryDirectory()
        try ffmpeg(["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", dir.path("tone.m4a")])
        try expectCleanFailure([dir.path("tone.m4a"), dir.path("out.mp4")], in: dir, mentions: ["no video stream"])
    }

    @Test func unwritableOutput() throws {
        // A path under a regular file cannot be created, even by root (who ignores permission bits).
        let dir = try TemporaryDirectory()
        try Data().write(to: URL(fileURLWithPath: dir.path("file")))
        try expectCleanFailure([sample("ball.mp4"), dir.path("file/out.mp4")], in: dir, mentions: ["out.mp4"])
    }

    @Test func unknownContainerAndBadOptions() throws {
        let dir = try TemporaryDirectory()
        try expectCleanFailure([sample("ball.mp4"), dir.path("out.xyz")], in: dir, mentions: ["-f"])
        try expectCleanFailure([sample("ball.mp4"), dir.path("o.mp4"), "--size", "33x33"], in: dir, mentions: ["33x33"])
        try expectCleanFailure([sample("ball.mp4"), dir.path("o.mp4"), "-c:v", "nope"], in: dir, mentions: ["nope"])
        try expectCleanFailure([sample("ball.mp4"), dir.path("o.mp4"), "--fps", "fast"], in: dir, mentions: ["--fps"])
        try expectCleanFailure([sample("ball.mp4")], in: dir, mentions: ["output"])
        try expectCleanFailure([sample("ball.mp4"), dir.path("o.mp4"), "--start", "10"], in: dir,
                               mentions: ["no video frames"])
    }
}
