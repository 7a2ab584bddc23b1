import VideoIO

/// IN → Float32 RGB frames → OUT, with the source audio copied. The transfer stage plugs in between read and write.
struct ReencodeJob: Sendable {
    let readerOptions: ReaderOptions
    let writerOptions: WriterOptions
    let input: String
    let output: String
    let progress: ProgressStyle

    func run(log: Log) throws {
        // The input is opened first so a bad input never leaves an output file behind.
        let reader = try VideoReader(path: input, options: readerOptions)
        let info = reader.info
        log.verbose("\(input): \(info.container), \(info.codec) \(info.width)x\(info.height) \(info.pixelFormat) "
            + "at \(info.frameRate) fps, rotation \(info.rotation)"
            + (info.audio.map { ", audio \($0.codec) \($0.sampleRate) Hz" } ?? ", no audio"))
        let progress = Progress(total: reader.expectedFrameCount, style: progress)
        var frames = 0
        try PartialOutputs.shared.write(to: output, opening: {
            try VideoWriter(path: output, size: reader.outputSize, frameRate: reader.outputFrameRate,
                            audio: info.audio, options: writerOptions)
        }) { writer in
            if let dropped = writer.audioDropped { log.info("audio not copied: \(dropped)") }
            while let event = try reader.next() {
                switch event {
                case .video(let frame):
                    try writer.write(frame)
                    progress.update(writer.framesWritten)
                case .audio(let packet):
                    try writer.write(packet)
                }
            }
            guard writer.framesWritten > 0 else {
                throw VideoIOError.input(path: input, reason: reader.damage.endedEarly.map { "no video frames: \($0)" }
                    ?? "no video frames in the requested range")
            }
            frames = writer.framesWritten
        }
        if let damage = reader.damage.summary(path: input) { log.info(damage) }
        progress.finish(frames)
    }
}
