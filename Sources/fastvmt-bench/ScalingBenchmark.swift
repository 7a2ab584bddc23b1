import ArgumentParser
import BuiltInModel
import DiT
import Foundation
import Motion
import Tensor
import Transfer

/// How the cost of motion guidance grows with the latent grid: the motion extraction alone (random Q/K) and one
/// fresh guidance gradient of the built-in model (forward to the motion block, flow, loss, backward to the latents),
/// DiTFlow's global flow over all frame pairs against FastVMT's window flow over j ∈ [i, i+4), first against tokens
/// per frame at a fixed frame count, then against frames at a fixed grid. The log-log slope from the first size to
/// the last is the growth exponent: 2 for quadratic growth, 1 for linear.
struct ScalingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling",
        abstract: "Motion extraction and one guidance gradient vs tokens per frame and vs frames: global vs window, tables and PNG plots."
    )

    @Option(help: "Token grids per frame (rows×columns) for the first table.") var grids = ["8x8", "16x16", "24x24", "30x52"]
    @Option(help: "Latent frames for the first table.") var frames = 8
    @Option(help: "Latent frame counts for the second table.") var frameCounts = [4, 8, 13, 21]
    @Option(help: "Token grid per frame for the second table.") var grid = "16x16"
    @Option(help: "Channels of the random, head-averaged Q/K of the extraction columns (Wan: 128).") var dim = 128
    @Option(help: "Window size l of the window flow (tokens; FastVMT's tiles of 3×4). Fixed, so the window's cost stays per token.")
    var window = 9
    @Option(help: "Draw the tokens-per-frame plot here as PNG.") var plotTokens: String?
    @Option(help: "Draw the frames plot here as PNG.") var plotFrames: String?
    @Option(help: "Also write the results as JSON to this file (- for stdout, instead of the markdown).") var json: String?
    @Flag(help: "Small grids, to check that the benchmark runs; its figures mean nothing.") var quick = false

    struct Row: Codable {
        var frames: Int, height: Int, width: Int
        var globalPairs: Int, windowPairs: Int
        /// Seconds: extraction of the flow alone; one fresh gradient of the guidance loss through the model.
        var globalExtraction: Double, windowExtraction: Double
        var ditflowGradient: Double, fastGradient: Double
    }

    struct Results: Codable {
        var byTokensPerFrame: [Row]
        var byFrames: [Row]
    }

    func run() throws {
        let model = try ModelDirectory.builtIn().load()
        let sizes = try (quick ? ["4x4", "8x8"] : grids).map(Self.parse)
        let counts = quick ? [4, 8] : frameCounts
        let fixedGrid = try Self.parse(quick ? "8x8" : grid), fixedFrames = quick ? 4 : frames
        let results = Results(byTokensPerFrame: sizes.map { measure(model, frames: fixedFrames, height: $0.0, width: $0.1) },
                              byFrames: counts.map { measure(model, frames: $0, height: fixedGrid.0, width: fixedGrid.1) })
        if let json { try JSONOutput.write(results, to: json) }
        if json != "-" {
            print("Random Q/K with d = \(dim) for the extraction; the built-in model (\(model.transformer.config.numLayers) blocks, dim "
                + "\(model.transformer.config.dim)) for the gradient; window flow: 3×4 tiles, \(window)×\(window) windows; median of calls repeated for ≥ 0.2 s (one call where a call takes longer)\n")
            print("### Against tokens per frame, \(fixedFrames) latent frames\n")
            print(Self.markdown(results.byTokensPerFrame, size: { "\($0.height)×\($0.width) = \($0.height * $0.width)" }, label: "tokens per frame")
                + "\n\n" + Self.slopes(results.byTokensPerFrame, by: { Double($0.height * $0.width) }, what: "tokens per frame"))
            print("\n### Against frames, \(fixedGrid.0)×\(fixedGrid.1) tokens per frame\n")
            print(Self.markdown(results.byFrames, size: { "\($0.frames)" }, label: "latent frames")
                + "\n\n" + Self.slopes(results.byFrames, by: { Double($0.frames) }, what: "frames"))
        }
        if let plotTokens {
            try Self.plot(results.byTokensPerFrame, by: { Double($0.height * $0.width) }, title: "Cost vs tokens per frame (\(fixedFrames) frames)",
                          xLabel: "tokens per frame").write(to: plotTokens)
        }
        if let plotFrames {
            try Self.plot(results.byFrames, by: { Double($0.frames) }, title: "Cost vs frames (\(fixedGrid.0)x\(fixedGrid.1) tokens per frame)",
                          xLabel: "latent frames").write(to: plotFrames)
        }
    }

    static func parse(_ text: String) throws -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else { throw ValidationError("grid \(text): want ROWSxCOLUMNS, e.g. 30x52") }
        return (parts[0], parts[1])
    }

    private func measure(_ model: TransferModel, frames: Int, height: Int, width: Int) -> Row {
        let grid = TokenGrid(frames: frames, height: height, width: width)
        let shape = [frames, grid.tokensPerFrame, dim]
        let features = MotionFeatures(queries: Variable(RandomTensors.uniform(shape, seed: 1, scale: 1)),
                                      keys: Variable(RandomTensors.uniform(shape, seed: 2, scale: 1)),
                                      scale: 1 / Float(dim).squareRoot(), grid: grid)
        let settings = WindowSettings(tileHeight: 3, tileWidth: 4, size: window)
        let all = FramePairs.all(frames: frames), near = FramePairs.forward(frames: frames, span: 4)
        let global = Timing.median(minimum: 0.2, rounds: 1) { _ = GlobalAMF.soft(features, pairs: all) }
        let windowed = Timing.median(minimum: 0.2, rounds: 1) { _ = WindowAMF.soft(features, pairs: near, settings: settings) }
        return Row(frames: frames, height: height, width: width, globalPairs: all.count, windowPairs: near.count,
                   globalExtraction: global, windowExtraction: windowed,
                   ditflowGradient: gradientSeconds(model, .ditflow, grid: grid, pairs: all, settings: nil),
                   fastGradient: gradientSeconds(model, .fast, grid: grid, pairs: near, settings: settings))
    }

    /// One fresh gradient as the guidance computes it: latents → the preset's block → Q/K → flow → loss → backward
    /// to the latents. The reference is the flow of the same latents shifted by 0.1 token, so the loss is not zero.
    private func gradientSeconds(_ model: TransferModel, _ preset: Preset, grid: TokenGrid, pairs: FramePairs, settings: WindowSettings?) -> Double {
        let transformer = model.transformer, config = transformer.config, p = config.patch
        let latents = RandomTensors.uniform([config.inChannels, grid.frames * p.t, grid.height * p.h, grid.width * p.w], seed: 3, scale: 1)
        let context = transformer.textContext(model.textEncoder.encode("a red circle on a gray background").states)
        let time = transformer.timeConditioning(timestep: 500)
        let block = preset.block(ofLayers: config.numLayers)
        func features(_ z: Variable) -> MotionFeatures {
            let capture = transformer.forward(latents: z, time: time, context: context, lastBlock: block, capture: [block]).captures[block]!
            return MotionFeatures(queries: capture.rotatedQueries, keys: capture.rotatedKeys, grid: grid,
                                  reduction: preset.heads, temperature: preset.temperature)
        }
        func flow(_ f: MotionFeatures) -> (AttentionMotionFlow, TileWindows?) {
            guard let settings else { return (GlobalAMF.soft(f, pairs: pairs), nil) }
            let (flow, windows) = WindowAMF.soft(f, pairs: pairs, settings: settings)
            return (flow, windows)
        }
        let reference = Elementwise.affine(flow(features(Variable(latents))).0.displacement.value, scale: 1, shift: 0.1)
        return Timing.median(minimum: 0.2, rounds: 1) {
            let tape = Tape()
            let z = tape.variable(latents)
            let f = features(z)
            let (generated, windows) = flow(f)
            var loss = preset.loss == .amf ? MotionLoss.amf(generated: generated, reference: reference)
                : MotionLoss.maskedMSE(generated: generated, reference: reference)
            loss = loss * preset.amfWeight
            if let windows, preset.windowLossWeight != 0 {
                loss = loss + MotionLoss.correspondingWindow(f, pairs: pairs, windows: windows) * preset.windowLossWeight
            }
            _ = tape.gradient(of: loss, wrt: [z])
        }
    }

    static func markdown(_ rows: [Row], size: (Row) -> String, label: String) -> String {
        let f = { (seconds: Double) in Format.f(seconds * 1e3, 2) }
        var table = MarkdownTable([label, "pairs all / j ∈ [i, i+4)", "global extraction ms", "window extraction ms", "global / window",
                                   "ditflow gradient ms", "fast gradient ms", "ditflow / fast"])
        for r in rows {
            table.append([size(r), "\(r.globalPairs) / \(r.windowPairs)", f(r.globalExtraction), f(r.windowExtraction),
                          "\(Format.f(r.globalExtraction / r.windowExtraction, 1))×", f(r.ditflowGradient), f(r.fastGradient),
                          "\(Format.f(r.ditflowGradient / r.fastGradient, 1))×"])
        }
        return table.text
    }

    /// The log-log slope from the first row to the last, per column.
    static func slopes(_ rows: [Row], by size: (Row) -> Double, what: String) -> String {
        guard let first = rows.first, let last = rows.last, size(last) > size(first) else { return "" }
        let span = log(size(last) / size(first))
        let slope = { (value: (Row) -> Double) in Format.f(log(value(last) / value(first)) / span) }
        return "Growth exponent in \(what) (log-log slope, first to last; 2 = quadratic, 1 = linear): global extraction "
            + "\(slope(\.globalExtraction)), window extraction \(slope(\.windowExtraction)), ditflow gradient \(slope(\.ditflowGradient)), "
            + "fast gradient \(slope(\.fastGradient))."
    }

    static func plot(_ rows: [Row], by size: @escaping (Row) -> Double, title: String, xLabel: String) -> Plot {
        var plot = Plot(title: title, xLabel: xLabel, yLabel: "seconds", xScale: .log, yScale: .log)
        for (name, value, dashed) in [("global extraction", \Row.globalExtraction, true), ("window extraction", \Row.windowExtraction, true),
                                      ("ditflow gradient", \Row.ditflowGradient, false), ("fast gradient", \Row.fastGradient, false)] {
            plot.series.append(Plot.Series(name: name, points: rows.map { (size($0), $0[keyPath: value]) }, dashed: dashed))
        }
        return plot
    }
}
