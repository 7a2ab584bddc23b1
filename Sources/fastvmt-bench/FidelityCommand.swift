import ArgumentParser
import Evaluation
import Foundation
import VideoIO

/// Motion fidelity and temporal consistency of two video files, as JSON: the Swift side of the cross-check with
/// OpenCV (`python3 scripts/eval_motion.py A B` prints the same fields for the same files).
struct FidelityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fidelity",
        abstract: "Motion fidelity (Lucas–Kanade tracklets) of GENERATED against SOURCE, and temporal consistency, as JSON."
    )

    @Argument(help: "The source clip.") var source: String
    @Argument(help: "The generated clip (compared over the frames both have).") var generated: String
    @Option(help: "Grid spacing of the tracked points, in pixels.") var stride = 8
    @Option(help: "Tracklets moving less than this (root-sum-square of displacements, pixels) are left out.")
    var minMotion: Float = 1

    struct Result: Codable {
        var score: Double
        var sourceToGenerated: Double
        var generatedToSource: Double
        var frames: Int
        var temporalConsistency: Double
    }

    func run() throws {
        let a = try Self.read(source), b = try Self.read(generated)
        let fidelity = MotionFidelity(source: a, generated: b, stride: stride, minimumMotion: minMotion)
        let result = Result(score: fidelity.score, sourceToGenerated: fidelity.sourceToGenerated,
                            generatedToSource: fidelity.generatedToSource, frames: min(a.frames.count, b.frames.count),
                            temporalConsistency: TemporalConsistency.score(b))
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }

    /// Every frame of a file, at its own size, as gray.
    static func read(_ path: String) throws -> GrayVideo {
        var options = ReaderOptions()
        options.includeAudio = false
        let reader = try VideoReader(path: path, options: options)
        var pixels: [Float] = [], count = 0
        while let event = try reader.next() {
            if case .video(let frame) = event { pixels += frame.pixels; count += 1 }
        }
        let size = reader.outputSize
        return GrayVideo(planarRGB: pixels, frames: count, width: size.width, height: size.height)
    }
}
