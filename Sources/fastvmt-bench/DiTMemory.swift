import ArgumentParser
import DiT
import Foundation
import Tensor

/// Peak resident memory of one whole forward of Wan2.1-T2V-1.3B at 17 frames of 256×256 (latents 16 × 5 × 32 × 32,
/// 1280 tokens; 512 text tokens of 4096 as umT5 gives). The weights are made up here (the real ones are not on this
/// machine) but have the real shapes and Float32 size. Run in its own process: the peak is the process's.
struct DiTMemory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dit-memory",
        abstract: "Peak RSS of a Wan2.1-1.3B forward at 17 frames 256×256 (goal: under 24 GiB)."
    )

    func run() {
        let config = WanConfig.wan13B
        let clock = ContinuousClock()
        let start = clock.now
        let model = WanTransformer(config: config, weights: RandomTensors.wanWeights(config))
        let weightBytes = Double(config.parameterCount) * 4
        let afterWeights = Self.peakGiB()
        let latents = Variable(RandomTensors.uniform([16, 5, 32, 32], seed: 3, scale: 1))
        let context = model.textContext(RandomTensors.uniform([512, config.textDim], seed: 4, scale: 1))
        let forwardStart = clock.now
        let result = model.forward(latents: latents, time: model.timeConditioning(timestep: 500), context: context)
        let forwardTime = clock.now - forwardStart
        precondition(result.output?.shape == [16, 5, 32, 32])
        print("| what | figure |")
        print("|---|---|")
        print("| parameters | \(config.parameterCount) (\(String(format: "%.2f", weightBytes / 1_073_741_824)) GiB as Float32) |")
        print("| peak RSS after making the weights | \(String(format: "%.2f", afterWeights)) GiB |")
        print("| peak RSS after the forward (1280 video + 512 text tokens) | \(String(format: "%.2f", Self.peakGiB())) GiB |")
        print("| forward time | \(String(format: "%.1f", Timing.seconds(forwardTime))) s (whole run \(String(format: "%.1f", Timing.seconds(clock.now - start))) s) |")
    }

    static func peakGiB() -> Double { PeakMemory.mebibytes() / 1024 }
}
