import Foundation
import Testing
import TestSupport
@testable import VideoIO

@Suite struct VideoWriterTests {
    /// A frame with a horizontal ramp in R, a vertical ramp in G and a square in B that moves with `index`.
    func synthetic(_ index: Int, width: Int = 96, height: Int = 64, layout: PixelLayout = .planar) -> RGBFrame {
        let plane = width * height
        var pixels = [Float](repeating: 0, count: 3 * plane)
        for y in 0..<height {
            for x in 0..<width {
                pixels[y * width + x] = Float(x) / Float(width - 1)
                pixels[plane + y * width + x] = Float(y) / Float(height - 1)
                let inSquare = abs(x - (16 + 4 * index)) < 8 && abs(y - 32) < 8
                pixels[2 * plane + y * width + x] = inSquare ? 0.9 : 0.1
            }
        }
        return RGBFrame(width: width, height: height, layout: .planar, pixels: pixels, index: index)
            .converted(to: layout)
    }

    func write(_ frames: [RGBFrame], to path: String, options: WriterOptions = WriterOptions()) throws {
        let writer = try VideoWriter(path: path, size: PixelSize(width: frames[0].width, height: frames[0].height),
                                     frameRate: Rational(12, 1), options: options)
        for f in frames { try writer.write(f) }
        try writer.finish()
    }

    @Test(arguments: [PixelLayout.planar, .packed])
    func roundTripKeepsThePicture(layout: PixelLayout) throws {
        let dir = try TemporaryDirectory()
        var options = WriterOptions()
        options.encoder.crf = 12
        let frames = (0..<12).map { synthetic($0, layout: layout) }
        try write(frames, to: dir.path("out.mp4"), options: options)
        let (reader, back, _) = try readAll(dir.path("out.mp4"))
        #expect(reader.info.frameRate == Rational(12, 1))
        #expect(back.count == 12)
        for i in [0, 11] {
            // 4:2:0 plus crf 12 costs about one 8-bit level on average on these ramps.
            #expect(meanAbsoluteDifference(back[i].pixels, synthetic(i).pixels) < 0.01, "frame \(i)")
        }
        #expect(try dir.contents() == ["out.mp4"])
    }

    @Test func unfinishedWriterLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        do {
            let writer = try VideoWriter(path: dir.path("a.mp4"), size: PixelSize(width: 96, height: 64),
                                         frameRate: Rational(12, 1))
            try writer.write(synthetic(0))
            #expect(try dir.contents() == ["a.mp4.part"])
        }
        #expect(try dir.contents() == [])
        let writer = try VideoWriter(path: dir.path("b.mp4"), size: PixelSize(width: 96, height: 64),
                                     frameRate: Rational(12, 1))
        try writer.write(synthetic(0))
        writer.abort()
        #expect(try dir.contents() == [])
    }

    @Test func refusesToReplaceWithoutOverwrite() throws {
        let dir = try TemporaryDirectory()
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir.path("a.mp4")))
        #expect(throws: VideoIOError.self) {
            _ = try VideoWriter(path: dir.path("a.mp4"), size: PixelSize(width: 96, height: 64),
                                frameRate: Rational(12, 1))
        }
        var options = WriterOptions()
        options.overwrite = true
        try write([synthetic(0), synthetic(1)], to: dir.path("a.mp4"), options: options)
        #expect(try Probe(dir.path("a.mp4")).video?.frames == 2)
    }

    @Test func copiesAudioWithItsTiming() throws {
        let dir = try TemporaryDirectory()
        let reader = try VideoReader(path: sample("testsrc2_audio.mp4"))
        var options = WriterOptions()
        options.format = "matroska"
        let writer = try VideoWriter(path: dir.path("out.mkv"), size: reader.outputSize,
                                     frameRate: reader.outputFrameRate, audio: reader.info.audio, options: options)
        while let event = try reader.next() {
            switch event {
            case .video(let f): try writer.write(f)
            case .audio(let p): try writer.write(p)
            }
        }
        try writer.finish()
        let probe = try Probe(dir.path("out.mkv"))
        #expect(probe.audio?.codec == "aac")
        #expect(probe.video?.frames == 48)
        #expect(abs((probe.duration ?? 0) - 2) < 0.1)
    }

    @Test func dropsAudioTheContainerCannotHold() throws {
        let dir = try TemporaryDirectory()
        let reader = try VideoReader(path: sample("testsrc2_audio.mp4"))
        var options = WriterOptions()
        options.encoder.codec = "libvpx"
        let writer = try VideoWriter(path: dir.path("out.webm"), size: reader.outputSize,
                                     frameRate: reader.outputFrameRate, audio: reader.info.audio, options: options)
        #expect(writer.audioDropped?.contains("aac") == true)
        writer.abort()
    }

    @Test(.disabled(if: underSanitizer, "a sanitizer's shadow memory and quarantine grow resident memory"))
    func memoryStaysFlatOver500Frames() throws {
        let dir = try TemporaryDirectory()
        let result = try run(builtProduct("fastvmt-bench"), ["memory", "--input", sample("testsrc2_audio.mp4"),
                                                             "--frames", "500", "--output", dir.path("out.mp4")])
        #expect(result.status == 0, "\(result.stderr)")
        let rss = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
            .compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        #expect(rss.count == 11)
        // After the first passes have sized the allocator's pools, 400 more frames (each 320x240, ~1 MB as Float32,
        // plus its AVFrame and packets) may not add more than 4 MB.
        if rss.count == 11 {
            #expect(rss[10] - rss[2] < 4096, "rss by pass (kB): \(rss)")
        }
    }
}
