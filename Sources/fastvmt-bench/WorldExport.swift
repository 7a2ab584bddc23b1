import ArgumentParser
import Foundation
import World

/// Streams rendered clips of the procedural world for the training script (scripts/train_model.py reads them from
/// a pipe): per clip a little-endian UInt32 caption length, the caption in UTF-8, then the frames as RGB bytes,
/// frame-major, row-major, [F, S, S, 3]; with `--coverage`, then each pixel's object coverage (the largest over the
/// objects, 0–255) as [F, S, S] bytes, which the training script uses to weight its loss towards the objects.
struct WorldExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world",
        abstract: "Write rendered world clips (caption + RGB24 frames) to stdout, for training and inspection."
    )

    @Option(help: "Seed of the first clip; clip i uses seed first-seed + i.")
    var firstSeed: UInt64 = 0

    @Option(help: "Number of clips (0 = until stdout closes).")
    var count = 1

    @Option(help: "Frame size in pixels.")
    var size = 64

    @Option(help: "Frames per clip.")
    var frames = 16

    @Flag(help: "After each clip's frames, write its object coverage per pixel (the largest over its objects).")
    var coverage = false

    @Flag(help: "Print the world's vocabulary as a JSON array instead.")
    var vocabulary = false

    func run() throws {
        if vocabulary {
            print(String(decoding: try JSONSerialization.data(withJSONObject: WorldVocabulary.words), as: UTF8.self))
            return
        }
        signal(SIGPIPE, SIG_IGN)
        let out = FileHandle.standardOutput
        var index: UInt64 = 0
        while count == 0 || index < UInt64(count) {
            let clip = Renderer.render(Scene.random(seed: firstSeed + index, size: size, frames: frames))
            var record = Data()
            let caption = Array(clip.scene.caption.utf8)
            withUnsafeBytes(of: UInt32(caption.count).littleEndian) { record.append(contentsOf: $0) }
            record.append(contentsOf: caption)
            let plane = size * size
            var bytes = [UInt8](repeating: 0, count: frames * plane * 3)
            for f in 0..<frames {
                for p in 0..<plane {
                    for c in 0..<3 {
                        bytes[(f * plane + p) * 3 + c] = byte(clip.pixels[(f * 3 + c) * plane + p])
                    }
                }
            }
            record.append(contentsOf: bytes)
            if coverage {
                var covered = [UInt8](repeating: 0, count: frames * plane)
                for object in clip.coverage {
                    for i in 0..<covered.count { covered[i] = max(covered[i], byte(object[i])) }
                }
                record.append(contentsOf: covered)
            }
            do { try out.write(contentsOf: record) } catch { return }
            index += 1
        }
    }

    /// A value in [0, 1] as a byte, rounded to nearest.
    private func byte(_ value: Float) -> UInt8 { UInt8(min(max(value * 255 + 0.5, 0), 255)) }
}
