import ArgumentParser
import Foundation
import Motion
import Tensor

/// Motion extraction at the Wan2.1-480p latent grid (21 frames × 30 × 52 tokens, d = 128, random Q/K): DiTFlow's
/// global flow against FastVMT's window flow (3×4 tiles, 21×21 windows), each with and without the backward of
/// its loss, in one run.
struct MotionBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "motion",
        abstract: "AMF extraction (and loss gradient) time: global vs sliding window at 21 × 30 × 52 tokens, d = 128."
    )

    @Option(help: "Latent frames.") var frames = 21
    @Option(help: "Token rows per frame.") var height = 30
    @Option(help: "Token columns per frame.") var width = 52
    @Option(help: "Channels of the (head-averaged) queries and keys.") var dim = 128

    func run() {
        let grid = TokenGrid(frames: frames, height: height, width: width)
        let shape = [frames, grid.tokensPerFrame, dim]
        let features = MotionFeatures(queries: Variable(RandomTensors.uniform(shape, seed: 1, scale: 1)),
                                      keys: Variable(RandomTensors.uniform(shape, seed: 2, scale: 1)),
                                      scale: 1 / Float(dim).squareRoot(), grid: grid)
        let settings = WindowSettings(tileHeight: 3, tileWidth: 4, size: 21)
        let all = FramePairs.all(frames: frames), near = FramePairs.forward(frames: frames, span: 4)
        print("grid \(frames) × \(height) × \(width) = \(frames * grid.tokensPerFrame) tokens, d = \(dim); "
            + "window: 3×4 tiles, 21×21 windows; one run each (seconds)\n")
        print("| flow | frame pairs | extraction s | extraction + loss gradient s |")
        print("|---|---|---|---|")
        var rows: [(String, Double, Double)] = []
        for (name, pairs, windowed) in [("global (DiTFlow)", all, false), ("global", near, false), ("window (FastVMT)", near, true)] {
            let flow = { (f: MotionFeatures) in
                windowed ? WindowAMF.soft(f, pairs: pairs, settings: settings).flow : GlobalAMF.soft(f, pairs: pairs)
            }
            let reference = flow(features).displacement.value
            let extraction = Timing.median(minimum: 0, rounds: 1) { _ = flow(features) }
            let withGradient = Timing.median(minimum: 0, rounds: 1) {
                let tape = Tape()
                let q = tape.variable(features.queries.value), k = tape.variable(features.keys.value)
                let f = MotionFeatures(queries: q, keys: k, scale: features.scale, grid: grid)
                let loss = MotionLoss.amf(generated: flow(f), reference: Elementwise.affine(reference, scale: 1, shift: 0.1))
                _ = tape.gradient(of: loss, wrt: [q, k])
            }
            rows.append((name, extraction, withGradient))
            print("| \(name) | \(pairs.count) | \(String(format: "%.2f", extraction)) | \(String(format: "%.2f", withGradient)) |")
        }
        print("\nglobal over all pairs / window over j ∈ [i, i+4): extraction \(String(format: "%.1f", rows[0].1 / rows[2].1))×, "
            + "with gradient \(String(format: "%.1f", rows[0].2 / rows[2].2))×; same pairs, global / window: "
            + "\(String(format: "%.1f", rows[1].1 / rows[2].1))×, \(String(format: "%.1f", rows[1].2 / rows[2].2))×")
    }
}
