import ArgumentParser
import Foundation
import VideoIO

/// Decode+convert and convert+encode throughput of VideoIO against the ffmpeg command doing the same work on the same
/// file, interleaved in one run.
struct IOBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io",
        abstract: "VideoIO throughput vs the ffmpeg command line (decode+convert, convert+encode)."
    )

    @Option(help: "Input clip (default: 20 s of 480p testsrc2 with film-grain noise, made with ffmpeg).")
    var input: String?

    @Option(help: "Frames to encode in the convert+encode test (they are held in memory as Float32).")
    var encodeFrames = 120

    @Option(help: "Repetitions of each measurement; the median is reported.")
    var repeats = 3

    @Option(help: "Encoder for the convert+encode test.")
    var codec = "libx264"

    func run() throws {
        FFmpegLog.install(level: .quiet)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fastvmt-bench-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let clip = try input ?? makeClip(in: work)
        let probe = try VideoReader(path: clip)
        let size = probe.outputSize
        let frameCount = probe.info.frameCount ?? 0
        let bytes = (try? FileManager.default.attributesOfItem(atPath: clip)[.size] as? Int) ?? 0
        print("input: \(clip), \(size), \(probe.info.frameRate) fps, \(frameCount) frames, \(bytes / 1024) KiB; "
            + "median of \(repeats) interleaved runs; ffmpeg times include its process start-up")

        // Frames for the encode test, and the same frames as a raw file for ffmpeg.
        var frames: [RGBFrame] = []
        _ = try decode(clip, limit: encodeFrames) { frames.append($0) }
        let raw = work.appendingPathComponent("frames.gbrpf32le")
        try writeRaw(frames, to: raw)

        var ours: [String: [Double]] = [:], theirs: [String: [Double]] = [:]
        for _ in 0..<repeats {
            let (decoded, t1) = try decode(clip, limit: nil)
            ours["decode", default: []].append(Double(decoded) / t1)
            let t2 = try time(ffmpeg: ["-i", clip, "-pix_fmt", "gbrpf32le", "-f", "null", "-"])
            theirs["decode", default: []].append(Double(decoded) / t2)

            let out1 = work.appendingPathComponent("ours.mp4").path
            let t3 = try encode(frames, rate: probe.outputFrameRate, to: out1)
            ours["encode", default: []].append(Double(frames.count) / t3)
            let t4 = try time(ffmpeg: ["-f", "rawvideo", "-pix_fmt", "gbrpf32le", "-s", "\(size)",
                                       "-r", "\(probe.outputFrameRate)", "-i", raw.path,
                                       "-c:v", codec, "-pix_fmt", "yuv420p", "-y",
                                       work.appendingPathComponent("ffmpeg.mp4").path])
            theirs["encode", default: []].append(Double(frames.count) / t4)
        }

        print("")
        print("| path | fastvmt-ff VideoIO (frames/s) | ffmpeg CLI (frames/s) | our time / ffmpeg's (goal ≤ 1.2) |")
        print("|---|---|---|---|")
        for (key, label) in [("decode", "decode + convert to Float32 RGB"),
                             ("encode", "convert Float32 RGB + encode \(codec)")] {
            let a = Timing.median(ours[key]!), b = Timing.median(theirs[key]!)
            print("| \(label) | \(fmt(a)) | \(fmt(b)) | \(String(format: "%.2f", b / a))× |")
        }
    }

    /// Decodes up to `limit` frames, handing each to `keep` (the decode test drops them, as ffmpeg's null muxer
    /// does); returns the frame count and the seconds taken.
    private func decode(_ path: String, limit: Int?, keep: (RGBFrame) -> Void = { _ in }) throws -> (Int, Double) {
        var options = ReaderOptions()
        options.includeAudio = false
        var count = 0
        let elapsed = try ContinuousClock().measure {
            let reader = try VideoReader(path: path, options: options)
            while let event = try reader.next() {
                if case .video(let f) = event {
                    keep(f)
                    count += 1
                    if let limit, count >= limit { break }
                }
            }
        }
        return (count, Timing.seconds(elapsed))
    }

    private func encode(_ frames: [RGBFrame], rate: Rational, to path: String) throws -> Double {
        var options = WriterOptions()
        options.overwrite = true
        options.encoder.codec = codec
        let size = PixelSize(width: frames[0].width, height: frames[0].height)
        let elapsed = try ContinuousClock().measure {
            let writer = try VideoWriter(path: path, size: size, frameRate: rate, options: options)
            for f in frames { try writer.write(f) }
            try writer.finish()
        }
        return Timing.seconds(elapsed)
    }

    private func writeRaw(_ frames: [RGBFrame], to url: URL) throws {
        // gbrpf32le stores the G plane, then B, then R.
        var data = Data()
        for f in frames {
            let plane = f.width * f.height
            f.pixels.withUnsafeBufferPointer { p in
                for c in [1, 2, 0] {
                    data.append(UnsafeBufferPointer(rebasing: p[(c * plane)..<((c + 1) * plane)]))
                }
            }
        }
        try data.write(to: url)
    }

    private func makeClip(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("testsrc2-480p.mp4").path
        // Grain gives the clip a camera-like bit rate; a clean test pattern decodes unrealistically fast.
        _ = try time(ffmpeg: ["-f", "lavfi", "-i", "testsrc2=size=854x480:rate=30:duration=20,noise=alls=12:allf=t",
                              "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", path])
        return path
    }

    private func time(ffmpeg args: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"] + args
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try process.run()
            process.waitUntilExit()
        }
        guard process.terminationStatus == 0 else {
            throw ValidationError("ffmpeg \(args.joined(separator: " ")) failed")
        }
        return Timing.seconds(elapsed)
    }

    private func fmt(_ x: Double) -> String { String(format: "%.1f", x) }
}
