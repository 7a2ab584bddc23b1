import ArgumentParser
import Transfer

/// Preset options shared by the end-to-end benchmarks, and the shortened sampler of `--quick`.
struct BenchPresets: ParsableArguments {
    @Flag(help: "A short run (8 denoising steps, 2 guided, one round) to check that the benchmark works; its figures mean nothing.")
    var quick = false

    @Option(help: "Seed of every run's noise (the same for every preset).")
    var seed: UInt64 = 0

    /// `preset` with the run's seed, shortened under `--quick`.
    func adjusted(_ preset: Preset) -> Preset {
        var preset = preset
        preset.seed = seed
        if quick {
            preset.steps = 8
            preset.guidedSteps = min(preset.guidedSteps, 2)
        }
        return preset
    }

    func rounds(_ asked: Int) -> Int { quick ? 1 : asked }
}
