import DiT
import Foundation
import Tensor
import Transfer
import VideoIO

/// IN → the model's frames → motion transfer with the prompt → frames scaled back up → OUT, audio copied for the
/// span of the frames used.
struct TransferJob: Sendable {
    let readerOptions: ReaderOptions
    let writerOptions: WriterOptions
    let input: String
    let output: String
    let prompt: String
    let negativePrompt: String
    let preset: Preset
    /// Loaded once by the caller, so a batch shares one copy of the weights.
    let model: TransferModel
    let reportPath: String?
    /// Output size; nil = the source's displayed size, rounded down to even.
    let outputSize: PixelSize?
    let progress: ProgressStyle

    func run(log: Log) throws {
        let codec = model.codec
        var options = readerOptions
        options.size = PixelSize(width: codec.frameSize.width, height: codec.frameSize.height)
        // The input is opened first so a bad input never leaves an output file behind.
        let reader = try VideoReader(path: input, options: options)
        let info = reader.info
        log.verbose("\(input): \(info.container), \(info.codec) \(info.width)x\(info.height) at \(info.frameRate) fps"
            + (info.audio.map { ", audio \($0.codec)" } ?? ", no audio"))

        var frames: [RGBFrame] = [], audio: [AudioPacket] = []
        let wanted = codec.usableFrames(Int.max)
        while frames.count < wanted, let event = try reader.next() {
            switch event {
            case .video(let frame): frames.append(frame.converted(to: .planar))
            case .audio(let packet): audio.append(packet)
            }
        }
        let usable = codec.usableFrames(frames.count), needed = codec.minimumFrames
        guard usable >= needed else {
            let early = reader.damage.endedEarly.map { " (\($0))" } ?? ""
            throw VideoIOError.input(path: input, reason: "\(frames.count) video frame\(frames.count == 1 ? "" : "s")\(early); "
                + "motion transfer needs at least \(needed)")
        }
        if let damage = reader.damage.summary(path: input) { log.info(damage) }
        if frames.count >= wanted && reader.expectedFrameCount.map({ $0 > wanted }) != false {
            log.info("the model makes \(wanted) frames at a time: using frames 0–\(wanted - 1) of the input "
                + "(choose the span with --start, or fewer frames a second with --fps)")
        }
        let size = codec.frameSize
        var pixels = [Float]()
        pixels.reserveCapacity(usable * 3 * size.width * size.height)
        for frame in frames.prefix(usable) { pixels += frame.pixels }
        let video = Tensor(shape: [usable, 3, size.height, size.width], scalars: pixels)

        let steps = preset.steps - FlowMatching.startIndex(steps: preset.steps, strength: preset.strength)
        let progress = Progress(total: steps, style: progress, unit: "step")
        let (result, report) = MotionTransfer(model: model).run(video: video, prompt: prompt, negativePrompt: negativePrompt,
                                                                preset: preset) { done, _ in progress.update(done) }
        if !report.unknownWords.isEmpty {
            log.info("words the model does not know were left out: \(report.unknownWords.joined(separator: " "))")
        }

        // 4:2:0 needs even sides, and a 1×1 source still gets a frame.
        let target = outputSize ?? PixelSize(width: max(2, info.displayWidth / 2 * 2), height: max(2, info.displayHeight / 2 * 2))
        try PartialOutputs.shared.write(to: output, opening: {
            try VideoWriter(path: output, size: target, frameRate: reader.outputFrameRate, audio: info.audio,
                            options: writerOptions)
        }) { writer in
            if let dropped = writer.audioDropped { log.info("audio not copied: \(dropped)") }
            let plane = 3 * size.width * size.height
            let generated = result.scalars
            for index in 0..<usable {
                try writer.write(RGBFrame(width: size.width, height: size.height, layout: .planar,
                                          pixels: Array(generated[(index * plane)..<((index + 1) * plane)]), index: index))
            }
            let end = Double(usable) / reader.outputFrameRate.value
            for packet in audio where (packet.time ?? 0) < end { try writer.write(packet) }
        }
        progress.finish(steps)
        if let reportPath { try writeReport(report, to: reportPath) }
    }

    private func writeReport(_ report: TransferReport, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(report), to: path, what: "the report")
    }
}
