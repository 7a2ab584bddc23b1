import ArgumentParser
import BuiltInModel
import CBLAS
import DiT
import Foundation
import Tensor

/// The DiT's forward speed as a fraction of raw sgemm in the same run, for the small config the built-in model
/// is sized for and for one block of Wan2.1-T2V-1.3B at the 480p latent grid.
struct DiTBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dit",
        abstract: "DiT forward: time per token and GFLOP/s as a fraction of raw cblas_sgemm GFLOP/s in the same run."
    )

    @Option(help: "Seconds each measurement repeats for (the median call is reported).")
    var minimum = 1.0

    @Option(help: "Models to run, of builtin, wide, wan (default: all).")
    var only: [String] = []

    func run() throws {
        let (m, n, k) = (1560, 1536, 1536)
        let a = RandomTensors.uniform([m, k], seed: 1), b = RandomTensors.uniform([k, n], seed: 2)
        var c = Tensor(zeros: [m, n])
        openblas_set_num_threads(Int32(Parallel.workers))
        let raw = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            Timing.median(minimum: minimum) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                            pa.baseAddress, Int32(k), pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n))
            }
        } } }
        openblas_set_num_threads(1)
        let rawGFLOPs = 2.0 * Double(m * n * k) / raw / 1e9
        print("raw cblas_sgemm \(m)×\(n)×\(k) with \(Parallel.workers) OpenBLAS threads: \(String(format: "%.1f", rawGFLOPs)) GFLOP/s\n")
        print("| model, tokens | forward ms | µs per token | GFLOP/s | fraction of raw sgemm (goal ≥ 0.5) |")
        print("|---|---|---|---|---|")
        let builtIn = try ModelDirectory.builtIn()
        let config = builtIn.config, codec = builtIn.manifest.codec
        let latentShape = [config.inChannels, codec.frames / codec.frameGroup, codec.size / codec.pixelGroup, codec.size / codec.pixelGroup]
        if only.isEmpty || only.contains("builtin") {
            measure("built-in (dim \(config.dim), \(config.numLayers) layers, ffn \(config.ffnDim)), \(latentShape[1]) × \(latentShape[2] / 2) × \(latentShape[3] / 2)",
                    config, latentShape: latentShape, lastBlock: nil, raw: rawGFLOPs)
        }
        var wider = config
        (wider.numAttentionHeads, wider.ffnDim, wider.textDim) = (4, 1024, 256)
        if only.isEmpty || only.contains("wide") {
            measure("built-in layout at dim 256, ffn 1024", wider, latentShape: latentShape, lastBlock: nil, raw: rawGFLOPs)
        }
        var oneBlock = WanConfig.wan13B
        oneBlock.numLayers = 1
        if only.isEmpty || only.contains("wan") {
            measure("Wan2.1-1.3B, one block, 1 × 30 × 52", oneBlock, latentShape: [16, 1, 60, 104], lastBlock: 0, raw: rawGFLOPs)
        }
    }

    private func measure(_ name: String, _ config: WanConfig, latentShape: [Int], lastBlock: Int?, raw: Double) {
        let model = WanTransformer(config: config, weights: RandomTensors.wanWeights(config))
        let latents = Variable(RandomTensors.uniform(latentShape, seed: 3, scale: 1))
        let textTokens = 32
        let context = model.textContext(RandomTensors.uniform([textTokens, config.textDim], seed: 4, scale: 1))
        let time = model.timeConditioning(timestep: 500)
        let grid = model.grid(ofLatentShape: latentShape)
        let tokens = grid.f * grid.h * grid.w
        let seconds = Timing.median(minimum: minimum) {
            _ = model.forward(latents: latents, time: time, context: context, lastBlock: lastBlock)
        }
        let gflops = config.forwardFLOPs(tokens: tokens, textTokens: textTokens, lastBlock: lastBlock) / seconds / 1e9
        print("| \(name) | \(String(format: "%.1f", seconds * 1e3)) | \(String(format: "%.1f", seconds * 1e6 / Double(tokens))) | "
            + "\(String(format: "%.1f", gflops)) | \(String(format: "%.2f", gflops / raw)) |")
    }
}
