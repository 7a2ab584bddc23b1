import Foundation
import TestSupport
import VideoIO

/// The reference for every pixel test: ffmpeg's own decode + swscale to planar float (gbrpf32le), with ffmpeg's
/// defaults (it autorotates, as VideoReader does). Returns frames as [3, H, W] in R, G, B order.
func ffmpegFrames(_ path: String, width: Int, height: Int, extra: [String] = []) throws -> [[Float]] {
    let dir = try TemporaryDirectory()
    let raw = dir.path("frames.raw")
    try ffmpeg(["-i", path] + extra + ["-pix_fmt", "gbrpf32le", "-f", "rawvideo", raw])
    let data = try Data(contentsOf: URL(fileURLWithPath: raw))
    let plane = width * height, frameBytes = 3 * plane * 4
    precondition(data.count % frameBytes == 0, "reference is not a whole number of \(width)x\(height) frames")
    return (0..<(data.count / frameBytes)).map { i in
        let floats: [Float] = data.withUnsafeBytes { bytes in
            Array(bytes.bindMemory(to: Float.self)[(i * 3 * plane)..<((i + 1) * 3 * plane)])
        }
        // gbrp stores G, B, R.
        return Array(floats[(2 * plane)..<(3 * plane)] + floats[0..<plane] + floats[plane..<(2 * plane)])
    }
}

/// Mean absolute difference of two frames. Tolerance used with it: 1e-3 (a quarter of one 8-bit level) when both
/// sides run the same swscale conversion.
func meanAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var sum: Float = 0
    for i in a.indices { sum += abs(a[i] - b[i]) }
    return sum / Float(a.count)
}

func readAll(_ path: String, options: ReaderOptions = ReaderOptions()) throws -> (VideoReader, [RGBFrame], Int) {
    let reader = try VideoReader(path: path, options: options)
    var frames: [RGBFrame] = []
    var audio = 0
    while let event = try reader.next() {
        switch event {
        case .video(let f): frames.append(f)
        case .audio: audio += 1
        }
    }
    return (reader, frames, audio)
}
