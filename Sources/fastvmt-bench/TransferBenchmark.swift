import ArgumentParser
import BuiltInModel
import Foundation
import Tensor
import Transfer
import VideoIO

/// End to end with the built-in model: the `fast` and `ditflow` presets (and any preset files given) on the same
/// clip, prompt and seed, interleaved round by round, with the time of each stage and the gradient counts.
struct TransferBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "fast vs ditflow end to end on one clip with the built-in model: stage times, gradients, ratio."
    )

    @Option(help: "Source clip.") var input = "samples/ball.mp4"
    @Option(help: "Prompt.") var prompt = "a blue square on a checkered gray background"
    @Option(help: "Rounds (each runs every preset once; the median is reported).") var rounds = 3
    @Option(help: "Presets: built-in names or JSON files.") var presets = ["fast", "ditflow"]

    func run() throws {
        let model = try ModelDirectory.builtIn().load()
        var options = ReaderOptions()
        options.size = PixelSize(width: model.codec.frameSize.width, height: model.codec.frameSize.height)
        let reader = try VideoReader(path: input, options: options)
        var pixels: [Float] = [], frames = 0
        let wanted = model.codec.usableFrames(Int.max)
        while frames < wanted, let event = try reader.next() {
            if case .video(let frame) = event {
                pixels += frame.converted(to: .planar).pixels
                frames += 1
            }
        }
        frames = model.codec.usableFrames(frames)
        let size = model.codec.frameSize
        let video = Tensor(shape: [frames, 3, size.height, size.width], scalars: Array(pixels.prefix(frames * 3 * size.width * size.height)))
        let chosen = try presets.map { try Preset.named($0) }
        let transfer = MotionTransfer(model: model)
        var reports: [[TransferReport]] = Array(repeating: [], count: chosen.count)
        var totals: [[Double]] = Array(repeating: [], count: chosen.count)
        for _ in 0..<rounds {
            for (i, preset) in chosen.enumerated() {
                let start = ContinuousClock.now
                let report = transfer.run(video: video, prompt: prompt, preset: preset).report
                let elapsed = ContinuousClock.now - start
                totals[i].append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                reports[i].append(report)
            }
        }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        print("\(input), \(frames) frames at \(size.width)×\(size.height), prompt \"\(prompt)\"; median of \(rounds) interleaved rounds (seconds)\n")
        print("| preset | total | reference | guidance | denoise | fresh / reused gradients | transformer GFLOP |")
        print("|---|---|---|---|---|---|---|")
        for (i, preset) in chosen.enumerated() {
            let stage = { (name: String) in String(format: "%.2f", median(reports[i].map { $0.seconds[name] ?? 0 })) }
            let r = reports[i][0]
            print("| \(preset.name) | \(String(format: "%.2f", median(totals[i]))) | \(stage("reference")) | \(stage("guidance")) | "
                + "\(stage("denoise")) | \(r.freshGradients) / \(r.reusedGradients) | \(String(format: "%.0f", r.transformerFLOPs / 1e9)) |")
        }
        if chosen.count >= 2 {
            let guidance = { (i: Int) in median(reports[i].map { ($0.seconds["guidance"] ?? 0) + ($0.seconds["reference"] ?? 0) }) }
            print("\n\(chosen[1].name) / \(chosen[0].name): total \(String(format: "%.2f", median(totals[1]) / median(totals[0])))×, "
                + "motion guidance (reference + optimisation) \(String(format: "%.2f", guidance(1) / guidance(0)))×")
        }
    }
}
