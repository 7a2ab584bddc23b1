import ArgumentParser
import World
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders world clips for training (`scripts/train_model.py`) and inspection. Its own executable, built on World
/// alone, so that it links statically (`--static-swift-stdlib`) and runs where neither FFmpeg nor a Swift toolchain
/// is installed: the lent GPU machine, several at once to feed it (`scripts/train_on_device.sh`).
@main
struct WorldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastvmt-world",
        abstract: "Write rendered world clips (caption + RGB24 frames) to stdout, for training and inspection."
    )

    @Option(help: "Seed of the first clip; clip i uses seed first-seed + i · seed-stride.")
    var firstSeed: UInt64 = 0

    @Option(help: "Seeds between consecutive clips (n writers with strides n and first seeds s … s + n − 1 share one seed range).")
    var seedStride: UInt64 = 1

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

    func validate() throws {
        guard seedStride >= 1 else { throw ValidationError("--seed-stride must be at least 1") }
        guard size >= 8, frames >= 1 else { throw ValidationError("--size must be at least 8 and --frames at least 1") }
    }

    func run() throws {
        if vocabulary {
            print(ClipRecord.vocabularyJSON)
            return
        }
        signal(SIGPIPE, SIG_IGN)
        var index: UInt64 = 0
        while count == 0 || index < UInt64(count) {
            let clip = Renderer.render(Scene.random(seed: firstSeed + index * seedStride, size: size, frames: frames))
            let record = ClipRecord.bytes(of: clip, coverage: coverage)
            guard record.withUnsafeBytes({ writeAll($0) }) else { return }
            index += 1
        }
    }

    /// Writes all of `bytes` to stdout; false once the reader has gone.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
