import ArgumentParser
import BuiltInModel
import Evaluation
import Foundation
import Tensor
import Transfer
import World

/// The built-in model on held-out world clips, judged from the pixels alone: does the generated object have the
/// prompt's colour and shape, and does it follow the source object's path? Also how often its shape is the source
/// object's instead (what the SDEdit start passes on of the source's appearance). Each preset, plus `fast` without
/// guidance (the control: what SDEdit alone keeps of the source's motion), on the same clips, prompts and seeds.
struct ModelEvaluation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Prompt adherence and motion transfer of the built-in model on held-out world clips."
    )

    @Option(help: "First held-out seed (training uses seeds from 1 000 000).") var firstSeed: UInt64 = 100
    @Option(help: "Number of clips.") var count = 20
    @Option(help: "Presets to compare (the first is also run without guidance).") var presets = ["fast", "ditflow"]
    @Option(help: "Write a contact sheet (source over generated) of the first clips here, as PNG.") var contactSheet: String?
    @Option(help: "Clips on the contact sheet.") var sheetClips = 2
    @Option(help: "A model directory (scripts/train_model.py's export) instead of the built-in model.") var model: String?

    struct Outcome {
        var colour = 0, shape = 0, sourceShape = 0, found = 0, clips = 0
        var pathErrors: [Double] = []
        var seconds: [Double] = []
    }

    func run() throws {
        let directory = try model.map { try ModelDirectory(url: URL(fileURLWithPath: $0)) } ?? ModelDirectory.builtIn()
        let transfer = MotionTransfer(model: try directory.load())
        var variants: [(String, Preset)] = try presets.map { ($0, try Preset.named($0)) }
        var control = variants[0].1
        control.iterations = 0
        variants.append(("\(variants[0].0) without guidance", control))
        var outcomes = [Outcome](repeating: Outcome(), count: variants.count)
        var sheetRows: [[Float]] = []
        var seed = firstSeed, used = 0
        while used < count {
            defer { seed += 1 }
            let source = Scene.random(seed: seed, maxObjects: 1)
            guard source.objects[0].trajectory != .still, source.objects[0].trajectory != .zoom else { continue }
            used += 1
            let target = Scene.random(seed: seed + 500_000, maxObjects: 1)
            let clip = Renderer.render(source)
            let s = source.size, frames = source.frames
            let video = Tensor(shape: [frames, 3, s, s], scalars: clip.pixels)
            let truth = (0..<frames).map { clip.visibleCentroid(object: 0, frame: $0) }
            for (index, variant) in variants.enumerated() {
                let start = ContinuousClock.now
                let generated = transfer.run(video: video, prompt: target.caption, preset: variant.1).video.scalars
                let elapsed = ContinuousClock.now - start
                outcomes[index].seconds.append(Timing.seconds(elapsed))
                outcomes[index].clips += 1
                var centres: [SIMD2<Double>?] = [], colours: [ObjectColor] = [], shapes: [Shape] = []
                for f in 0..<frames {
                    let frame = generated[(f * 3 * s * s)..<((f + 1) * 3 * s * s)]
                    guard let mask = Segmentation.largestObject(frame, size: s) else { centres.append(nil); continue }
                    centres.append(Segmentation.centroid(mask, size: s))
                    colours.append(ObjectClassifier.color(frame, mask: mask, size: s))
                    if f % 4 == 0 { shapes.append(ObjectClassifier.shape(mask: mask, size: s)) }
                }
                guard !colours.isEmpty else { continue }
                outcomes[index].found += 1
                if mostCommon(colours) == target.objects[0].color { outcomes[index].colour += 1 }
                if let shape = mostCommon(shapes) {
                    if shape == target.objects[0].shape { outcomes[index].shape += 1 }
                    if shape == source.objects[0].shape { outcomes[index].sourceShape += 1 }
                }
                if let error = PathError.mean(centres, truth) { outcomes[index].pathErrors.append(error) }
                if index == 0 && sheetRows.count < 2 * sheetClips {
                    sheetRows += [clip.pixels, generated]
                }
            }
        }
        print("\(count) held-out clips from seed \(firstSeed) (one moving object; prompt: another random object and background)\n")
        print("| run | colour right | shape right | shape of the source | object found | mean path error px (fraction of width) | seconds per clip |")
        print("|---|---|---|---|---|---|---|")
        let medians = outcomes.map { $0.seconds.sorted()[$0.seconds.count / 2] }
        for (index, variant) in variants.enumerated() {
            let o = outcomes[index]
            let path = o.pathErrors.isEmpty ? 0 : o.pathErrors.reduce(0, +) / Double(o.pathErrors.count)
            print("| \(variant.0) | \(percent(o.colour, o.clips)) | \(percent(o.shape, o.clips)) | \(percent(o.sourceShape, o.clips)) | \(percent(o.found, o.clips)) | "
                + "\(String(format: "%.1f", path)) (\(String(format: "%.1f", 100 * path / 64)) %) | \(String(format: "%.2f", medians[index])) |")
        }
        for index in 1..<presets.count {
            print("\n\(variants[index].0) / \(variants[0].0) time per clip: \(String(format: "%.2f", medians[index] / medians[0]))×")
        }
        if let contactSheet, !sheetRows.isEmpty { try writeSheet(sheetRows, frames: 16, size: 64, to: contactSheet) }
    }

    private func percent(_ n: Int, _ of: Int) -> String { of == 0 ? "–" : "\(n)/\(of) (\(100 * n / of) %)" }

    /// The most frequent item; of equally frequent ones, the one seen first (a dictionary's order changes from run
    /// to run, which made ties, and so the figures, differ between runs of the same clips).
    private func mostCommon<T: Hashable>(_ items: [T]) -> T? {
        let counts = Dictionary(items.map { ($0, 1) }, uniquingKeysWith: +)
        return items.reduce(nil as T?) { best, item in
            guard let best else { return item }
            return counts[item]! > counts[best]! ? item : best
        }
    }

    /// Rows of 8 frames (every other one), each clip's source above its result, written as a PNG through FFmpeg.
    private func writeSheet(_ rows: [[Float]], frames: Int, size s: Int, to path: String) throws {
        let columns = frames / 2, width = columns * s, height = rows.count * s
        var pixels = [Float](repeating: 0, count: 3 * width * height)
        for (r, clip) in rows.enumerated() {
            for column in 0..<columns {
                let f = 2 * column
                for c in 0..<3 {
                    for y in 0..<s {
                        for x in 0..<s {
                            pixels[(c * height + r * s + y) * width + column * s + x] = clip[((f * 3 + c) * s + y) * s + x]
                        }
                    }
                }
            }
        }
        try PNGFile.write(planarRGB: pixels, width: width, height: height, scale: 2, to: path)
    }
}
