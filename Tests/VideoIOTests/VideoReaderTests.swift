import Foundation
import Testing
import TestSupport
@testable import VideoIO

@Suite struct VideoReaderTests {
    @Test func reportsTheStream() throws {
        let reader = try VideoReader(path: sample("testsrc2_audio.mp4"))
        let info = reader.info
        #expect(info.codec == "h264")
        #expect(info.width == 320 && info.height == 240)
        #expect(info.frameRate == Rational(24, 1))
        #expect(info.frameCount == 48)
        #expect(abs((info.duration ?? 0) - 2) < 0.05)
        #expect(info.rotation == 0)
        #expect(info.audio?.codec == "aac")
        #expect(info.audio?.sampleRate == 48000)
    }

    @Test func framesMatchFFmpegsOwnConversion() throws {
        let path = sample("ball.mp4")
        let (_, frames, audio) = try readAll(path)
        let reference = try ffmpegFrames(path, width: 256, height: 256)
        #expect(audio == 0)
        #expect(frames.count == 72 && reference.count == 72)
        for i in [0, 35, 71] {
            #expect(meanAbsoluteDifference(frames[i].pixels, reference[i]) < 1e-3, "frame \(i)")
        }
        // The ball starts at (208, 176) and is red: a check of channel order that needs no reference decoder.
        let f = frames[0].pixels, plane = 256 * 256, p = 176 * 256 + 208
        #expect(f[p] > 0.7 && f[plane + p] < 0.3 && f[2 * plane + p] < 0.3)
    }

    @Test func readsFromMemoryAsFromAFile() throws {
        let path = sample("testsrc2_audio.mp4")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let reader = try VideoReader(bytes: bytes, name: "in-memory clip")
        var frames: [RGBFrame] = [], audio = 0
        while let event = try reader.next() {
            switch event {
            case .video(let frame): frames.append(frame)
            case .audio: audio += 1
            }
        }
        let (_, fromFile, fileAudio) = try readAll(path)
        #expect(frames.count == 48 && audio == fileAudio)
        #expect(frames.map(\.pixels) == fromFile.map(\.pixels))
        #expect(throws: VideoIOError.self) { try VideoReader(bytes: Array(bytes.prefix(1000)), name: "cut clip") }
    }

    @Test func scalesToTheRequestedSize() throws {
        var options = ReaderOptions()
        options.size = PixelSize(width: 128, height: 96)
        let (_, frames, _) = try readAll(sample("testsrc2_audio.mp4"), options: options)
        let reference = try ffmpegFrames(sample("testsrc2_audio.mp4"), width: 128, height: 96,
                                         extra: ["-vf", "scale=128:96"])
        #expect(frames.count == 48)
        #expect(frames.allSatisfy { $0.width == 128 && $0.height == 96 })
        #expect(meanAbsoluteDifference(frames[10].pixels, reference[10]) < 1e-3)
    }

    @Test func packedLayoutHoldsTheSamePixels() throws {
        var options = ReaderOptions()
        options.layout = .packed
        let (_, packed, _) = try readAll(sample("squares.mkv"), options: options)
        let (_, planar, _) = try readAll(sample("squares.mkv"))
        #expect(packed[7].layout == .packed)
        #expect(packed[7].converted(to: .planar).pixels == planar[7].pixels)
        let w = 192, plane = 192 * 144, x = 20, y = 48
        #expect(packed[0].pixels[3 * (y * w + x) + 1] == planar[0].pixels[plane + y * w + x])
    }

    @Test func startAndDurationSelectTheRange() throws {
        var options = ReaderOptions()
        options.start = 1
        options.duration = 0.5
        let (_, frames, _) = try readAll(sample("ball.mp4"), options: options)
        let reference = try ffmpegFrames(sample("ball.mp4"), width: 256, height: 256)
        #expect(frames.count == 12)
        #expect(frames.first?.index == 0 && frames.first?.time == 0)
        // The first delivered frame is source frame 24 (1 s at 24 fps).
        #expect(meanAbsoluteDifference(frames[0].pixels, reference[24]) < 1e-3)
    }

    @Test func frameRateConversionKeepsTheDuration() throws {
        var options = ReaderOptions()
        options.frameRate = Rational(10, 1)
        let (_, frames, _) = try readAll(sample("squares.mkv"), options: options)
        #expect(frames.count == 20)
        #expect(frames.map(\.index) == Array(0..<20))
    }

    @Test func appliesRotationMetadata() throws {
        let dir = try TemporaryDirectory()
        let rotated = dir.path("rotated.mp4")
        try ffmpeg(["-i", sample("squares.mkv"), "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated])
        let (reader, frames, _) = try readAll(rotated)
        #expect(reader.info.rotation == 90)  // ffprobe's figure for this tag: a quarter turn counter-clockwise
        #expect(reader.outputSize == PixelSize(width: 144, height: 192))
        let reference = try ffmpegFrames(rotated, width: 144, height: 192)
        #expect(meanAbsoluteDifference(frames[5].pixels, reference[5]) < 1e-3)
    }

    @Test func deliversAudioPacketsInOrder() throws {
        let (_, frames, audio) = try readAll(sample("testsrc2_audio.mp4"))
        #expect(frames.count == 48)
        #expect(audio >= 90)  // 2 s of AAC at 48 kHz, 1024 samples a packet
    }

    @Test func rejectsInputsWithOneLineReasons() throws {
        let dir = try TemporaryDirectory()
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: dir.path("text.mp4")))
        try ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.5", "-c:a", "aac", dir.path("audio.m4a")])
        for (path, expected) in [(dir.path("missing.mp4"), "No such file"), (dir.path("text.mp4"), "Invalid data"),
                                 (dir.path("audio.m4a"), "no video stream")] {
            #expect {
                _ = try VideoReader(path: path)
            } throws: { error in
                guard let e = error as? VideoIOError, e.isUserError else { return false }
                return e.description.contains(expected) && !e.description.contains("\n")
            }
        }
    }
}
