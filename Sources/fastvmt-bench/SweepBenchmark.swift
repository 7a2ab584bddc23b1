import ArgumentParser
import BuiltInModel
import Foundation
import Transfer

/// FastVMT's two speed knobs against motion fidelity: the window size l of the window flow and the skip interval k
/// of gradient reuse, each combination run end to end on the same clips, prompt and seed as the `ditflow` baseline.
/// Prints a table and draws the speed–fidelity curve (one line per window size, through the skip intervals).
struct SweepBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "fast preset over window size l and skip interval k: time and motion fidelity, table and PNG curve."
    )

    @Option(help: "Source clips (figures are means over them).") var inputs = ["samples/ball.mp4", "samples/squares.mkv", "samples/testsrc2_audio.mp4"]
    @Option(help: "Prompt.") var prompt = "a blue square on a checkered gray background"
    @Option(help: "Window sizes l (tokens; one as large as the latent frame is the whole frame).") var windows = [3, 5, 7, 8]
    @Option(help: "Skip intervals k (a fresh gradient every k-th iteration).") var skips = [1, 2, 3, 5]
    @Option(help: "Rounds (the median time of each run is used).") var rounds = 1
    @Option(help: "Draw the time–fidelity curve here as PNG.") var plot: String?
    @Option(help: "Also write the results as JSON to this file (- for stdout, instead of the markdown).") var json: String?
    @OptionGroup var common: BenchPresets

    struct Point: Codable {
        var preset: String
        var window: Int?
        var skip: Int?
        /// Means over the clips.
        var seconds: Double
        var motionFidelity: Double
        var freshGradients: Int
        var reusedGradients: Int
    }

    func run() throws {
        let model = try ModelDirectory.builtIn().load()
        let runner = TransferRunner(model: model, output: FileManager.default.temporaryDirectory.appendingPathComponent("fastvmt-bench-\(getpid()).mp4").path)
        defer { try? FileManager.default.removeItem(atPath: runner.output) }
        var variants: [(window: Int?, skip: Int?, preset: Preset)] = [(nil, nil, common.adjusted(.ditflow))]
        for window in windows {
            for skip in skips {
                var preset = common.adjusted(.fast)
                preset.window.size = window
                preset.skipInterval = skip
                preset.name = "fast l=\(window) k=\(skip)"
                variants.append((window, skip, preset))
            }
        }
        var measured = [[[TransferMeasurement]]](repeating: [[TransferMeasurement]](repeating: [], count: inputs.count), count: variants.count)
        for _ in 0..<common.rounds(rounds) {
            for (c, input) in inputs.enumerated() {
                for (v, variant) in variants.enumerated() {
                    measured[v][c].append(try runner.run(input: input, prompt: prompt, preset: variant.preset))
                }
            }
        }
        let points = zip(variants, measured).map { variant, clips in
            let runs = clips.map(TransferBenchmark.median)
            return Point(preset: variant.preset.name, window: variant.window, skip: variant.skip,
                         seconds: runs.map(\.total).reduce(0, +) / Double(runs.count),
                         motionFidelity: runs.map(\.motionFidelity).reduce(0, +) / Double(runs.count),
                         freshGradients: runs[0].freshGradients, reusedGradients: runs[0].reusedGradients)
        }
        if let json { try JSONOutput.write(points, to: json) }
        if json != "-" { print(Self.markdown(points, clips: inputs.count, preset: variants[0].preset)) }
        if let plot { try Self.plot(points).write(to: plot) }
    }

    static func markdown(_ points: [Point], clips: Int, preset: Preset) -> String {
        let baseline = points[0]
        var table = MarkdownTable(["preset", "window l", "skip k", "fresh / reused gradients", "seconds per clip",
                                   "\(baseline.preset) time / this", "motion fidelity", "fidelity − \(baseline.preset)'s"])
        for p in points {
            table.append([p.preset, p.window.map(String.init) ?? "–", p.skip.map(String.init) ?? "–", "\(p.freshGradients) / \(p.reusedGradients)",
                          Format.f(p.seconds), "\(Format.f(baseline.seconds / p.seconds))×", Format.f(p.motionFidelity, 3),
                          Format.f(p.motionFidelity - baseline.motionFidelity, 3)])
        }
        return "Means over \(clips) clip(s), \(preset.steps) denoising steps at strength \(preset.strength), end-to-end seconds\n\n" + table.text
    }

    static func plot(_ points: [Point]) -> Plot {
        var plot = Plot(title: "Speed vs motion fidelity", xLabel: "seconds per clip", yLabel: "motion fidelity")
        plot.series.append(Plot.Series(name: points[0].preset, points: [(points[0].seconds, points[0].motionFidelity)], connected: false))
        let windows = Array(Set(points.compactMap(\.window))).sorted()
        for window in windows {
            let line = points.filter { $0.window == window }
            plot.series.append(Plot.Series(name: "fast, l = \(window)", points: line.map { ($0.seconds, $0.motionFidelity) },
                                           pointLabels: line.map { "k\($0.skip ?? 0)" }))
        }
        return plot
    }
}
