import ArgumentParser

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastvmt-bench",
        abstract: "The project's benchmarks; each prints a markdown table for BENCHMARKS.md.",
        subcommands: [IOBenchmark.self, MemoryCheck.self, TensorBenchmark.self, DiTBenchmark.self, DiTMemory.self, MotionBenchmark.self, TransferBenchmark.self, SweepBenchmark.self, ScalingBenchmark.self, ModelEvaluation.self, FidelityCommand.self]
    )
}
