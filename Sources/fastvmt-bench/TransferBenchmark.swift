import ArgumentParser
import BuiltInModel
import Foundation
import Transfer

/// End to end with the built-in model: the `ditflow` and `fast` presets (and any preset files given) on the same
/// clips, prompt and seed, interleaved run by run, with the time of each stage, the work done, peak memory and the
/// quality of each result. Every speed figure is a ratio to the `ditflow` run on the same clip.
struct TransferBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "ditflow vs fast end to end on the sample clips: stage times, gradients, FLOPs, memory, motion fidelity, time ratio."
    )

    @Option(help: "Source clips.") var inputs = ["samples/ball.mp4", "samples/squares.mkv", "samples/testsrc2_audio.mp4"]
    @Option(help: "Prompt.") var prompt = "a blue square on a checkered gray background"
    @Option(help: "Rounds (each runs every preset on every clip once; the median time is reported).") var rounds = 3
    @Option(help: "Presets: built-in names or JSON files. Ratios are to the first one named ditflow (or the first).")
    var presets = ["ditflow", "fast"]
    @Option(help: "Also write the results as JSON to this file (- for stdout, instead of the markdown).") var json: String?
    @OptionGroup var common: BenchPresets

    struct Results: Codable {
        var prompt: String
        var rounds: Int
        var runs: [TransferMeasurement]
        /// Per clip and preset: the baseline's total time over this preset's.
        var speedups: [String: [String: Double]]
        var meanSpeedup: [String: Double]
        /// Per preset: mean motion fidelity over the clips less the baseline's.
        var fidelityChange: [String: Double]
    }

    func run() throws {
        let chosen = try presets.map { common.adjusted(try Preset.named($0)) }
        let baseline = chosen.firstIndex { $0.name == "ditflow" } ?? 0
        let runner = TransferRunner(model: try ModelDirectory.builtIn().load(),
                                    output: FileManager.default.temporaryDirectory.appendingPathComponent("fastvmt-bench-\(getpid()).mp4").path)
        defer { try? FileManager.default.removeItem(atPath: runner.output) }
        let rounds = common.rounds(self.rounds)
        var measured = [[[TransferMeasurement]]](repeating: [[TransferMeasurement]](repeating: [], count: chosen.count), count: inputs.count)
        for _ in 0..<rounds {
            for (c, input) in inputs.enumerated() {
                for (p, preset) in chosen.enumerated() {
                    measured[c][p].append(try runner.run(input: input, prompt: prompt, preset: preset))
                }
            }
        }
        let runs = measured.map { $0.map(Self.median) }
        let results = Self.summarise(runs, baseline: baseline, prompt: prompt, rounds: rounds)
        if let json { try JSONOutput.write(results, to: json) }
        if json != "-" { print(Self.markdown(results, baseline: chosen[baseline].name, steps: chosen[0])) }
    }

    /// The median run by total time, with every stage's own median (stages of one run need not be medians).
    static func median(_ runs: [TransferMeasurement]) -> TransferMeasurement {
        var m = runs.sorted { $0.total < $1.total }[runs.count / 2]
        m.decode = Timing.median(runs.map(\.decode))
        m.motionExtraction = Timing.median(runs.map(\.motionExtraction))
        m.guidedSteps = Timing.median(runs.map(\.guidedSteps))
        m.plainSteps = Timing.median(runs.map(\.plainSteps))
        m.encode = Timing.median(runs.map(\.encode))
        m.peakRSSMiB = runs.map(\.peakRSSMiB).max() ?? 0
        return m
    }

    static func summarise(_ runs: [[TransferMeasurement]], baseline: Int, prompt: String, rounds: Int) -> Results {
        var speedups: [String: [String: Double]] = [:], mean: [String: Double] = [:], fidelity: [String: Double] = [:]
        for p in runs[0].indices {
            let name = runs[0][p].preset
            for clip in runs { speedups[clip[p].clip, default: [:]][name] = clip[baseline].total / clip[p].total }
            mean[name] = runs.map { $0[baseline].total / $0[p].total }.reduce(0, +) / Double(runs.count)
            fidelity[name] = runs.map { $0[p].motionFidelity - $0[baseline].motionFidelity }.reduce(0, +) / Double(runs.count)
        }
        return Results(prompt: prompt, rounds: rounds, runs: runs.flatMap { $0 }, speedups: speedups, meanSpeedup: mean, fidelityChange: fidelity)
    }

    static func markdown(_ results: Results, baseline: String, steps preset: Preset) -> String {
        let f = { (x: Double) in Format.f(x) }
        var table = MarkdownTable(["clip", "preset", "total s", "decode s", "motion extraction s", "guided steps s", "plain steps s",
                                   "encode s", "fresh / reused gradients", "transformer GFLOP", "peak RSS MiB",
                                   "motion fidelity (gen→src)", "temporal consistency", "\(baseline) time / this"])
        for run in results.runs {
            table.append([run.clip, run.preset, f(run.total), f(run.decode), f(run.motionExtraction),
                          "\(f(run.guidedSteps)) (\(run.guidedStepCount))", "\(f(run.plainSteps)) (\(run.plainStepCount))",
                          f(run.encode), "\(run.freshGradients) / \(run.reusedGradients)", Format.f(run.transformerGFLOP, 0),
                          Format.f(run.peakRSSMiB, 0), "\(Format.f(run.motionFidelity, 3)) (\(Format.f(run.motionFidelityGeneratedToSource, 3)))",
                          Format.f(run.temporalConsistency, 3), "\(f(results.speedups[run.clip]?[run.preset] ?? 0))×"])
        }
        var lines = ["Prompt \"\(results.prompt)\"; \(preset.steps) denoising steps at strength \(preset.strength); "
            + "median of \(results.rounds) interleaved round(s) (seconds; guided and plain steps with their count)", "", table.text, ""]
        for (name, speedup) in results.meanSpeedup.sorted(by: { $0.key < $1.key }) where name != baseline {
            let change = results.fidelityChange[name] ?? 0
            let met = speedup >= 4 && change >= -0.02
            lines.append("\(baseline) / \(name), end to end, mean over the clips: **\(f(speedup))×** (paper: 3.43×); "
                + "motion fidelity \(name) − \(baseline): \(Format.f(change, 3)). Goal ≥ 4× at a fidelity loss ≤ 0.02: \(met ? "met" : "**not met**").")
        }
        return lines.joined(separator: "\n")
    }
}
