import CFFmpeg
import Foundation

/// Where and how to write.
public struct WriterOptions: Sendable {
    /// Container name (ffmpeg's `-f` after the inputs); nil guesses from the file name, and a pipe gets nut.
    public var format: String?
    public var encoder = EncoderOptions()
    /// Replace an existing file. Without it an existing output is an error (no prompt: stdin may be the video).
    public var overwrite = false

    public init() {}
}

/// Encodes RGB frames and muxes them with an optional stream-copied audio track. Files are written to `NAME.part` and
/// renamed by `finish()`; a writer dropped without `finish()` removes its `.part`. `-` writes to stdout.
public final class VideoWriter {
    public let path: String
    public let size: PixelSize
    public let frameRate: Rational
    /// Why the source audio is not in the output (the container cannot hold its codec), or nil.
    public private(set) var audioDropped: String?
    public private(set) var framesWritten = 0

    private let muxer: Muxer
    private let encoder: Encoder
    private let scaler = Scaler()
    private let frame: Frame
    private let packet = Packet()
    private let videoStream: UnsafeMutablePointer<AVStream>
    private var audioStream: UnsafeMutablePointer<AVStream>?
    private let partPath: String?
    private var planar: [Float] = []
    private var finished = false

    public init(path: String, size: PixelSize, frameRate: Rational, audio: AudioTrack? = nil,
                options: WriterOptions = WriterOptions()) throws {
        self.path = path
        self.size = size
        self.frameRate = frameRate
        let toPipe = path == "-"
        if !toPipe {
            if !options.overwrite && FileManager.default.fileExists(atPath: path) {
                throw VideoIOError.output(path: path, reason: "already exists (use -y to overwrite)")
            }
            partPath = path + ".part"
        } else {
            partPath = nil
        }
        guard frameRate.isValid else { throw VideoIOError.invalidOption("invalid frame rate \(frameRate)") }
        muxer = try Muxer(path: path, writeURL: partPath ?? "pipe:1", formatName: options.format ?? (toPipe ? "nut" : nil))
        encoder = try Encoder(options: options.encoder, width: size.width, height: size.height, frameRate: frameRate,
                              globalHeader: muxer.needsGlobalHeader)
        frame = try Frame(width: size.width, height: size.height, format: encoder.pixelFormat)
        frame.pointer.pointee.colorspace = encoder.context.pointee.colorspace
        frame.pointer.pointee.color_range = encoder.context.pointee.color_range

        videoStream = muxer.addStream()
        var ret = avcodec_parameters_from_context(videoStream.pointee.codecpar, encoder.context)
        if ret < 0 { throw VideoIOError.internalFailure("cannot describe the video stream: \(ffmpegReason(ret))") }
        videoStream.pointee.time_base = encoder.timeBase
        videoStream.pointee.avg_frame_rate = frameRate.av

        if let audio {
            let codec = audio.parameters.pointer.pointee.codec_id
            if muxer.accepts(codec) {
                let stream = muxer.addStream()
                ret = avcodec_parameters_copy(stream.pointee.codecpar, audio.parameters.pointer)
                if ret < 0 { throw VideoIOError.internalFailure("cannot copy the audio stream: \(ffmpegReason(ret))") }
                // The source container's tag may mean nothing in ours; 0 lets the muxer pick its own.
                stream.pointee.codecpar.pointee.codec_tag = 0
                stream.pointee.time_base = audio.timeBase
                audioStream = stream
            } else {
                audioDropped = "\(muxer.formatName) cannot hold \(audio.codec) audio"
            }
        }

        var muxerOptions: [String: String] = [:]
        if toPipe && ["mp4", "mov", "ipod", "ismv"].contains(muxer.formatName) {
            // An mp4 on a pipe cannot seek back to write its index: fragment it, index first.
            muxerOptions["movflags"] = "frag_keyframe+empty_moov+default_base_moof"
        }
        do {
            try muxer.open(options: muxerOptions)
        } catch {
            removePart()
            throw error
        }
    }

    deinit {
        if !finished { abort() }
    }

    /// Encodes one frame; frames are shown in call order at `frameRate`, whatever their `time` says. A frame of
    /// another size is scaled to the output size (bicubic) in the same swscale pass that converts it.
    public func write(_ image: RGBFrame) throws {
        try frame.makeWritable()
        let plane = image.width * image.height
        let convert = { (p: UnsafeBufferPointer<Float>) throws in
            let base = p.baseAddress!
            try self.scaler.convert(r: base, g: base + plane, b: base + 2 * plane,
                                    width: image.width, height: image.height, into: self.frame)
        }
        if image.layout == .planar {
            try image.pixels.withUnsafeBufferPointer(convert)
        } else {
            planar = image.converted(to: .planar).pixels
            try planar.withUnsafeBufferPointer(convert)
        }
        frame.pointer.pointee.pts = Int64(framesWritten)
        framesWritten += 1
        try encode(frame)
    }

    /// Writes a packet of the source's audio unchanged (timestamps rescaled to the output stream).
    public func write(_ audio: AudioPacket) throws {
        guard let audioStream else { return }
        packet.unref()
        if av_packet_ref(packet.pointer, audio.packet.pointer) < 0 { fatalError("av_packet_ref: out of memory") }
        av_packet_rescale_ts(packet.pointer, audio.timeBase, audioStream.pointee.time_base)
        packet.pointer.pointee.stream_index = audioStream.pointee.index
        packet.pointer.pointee.pos = -1
        try muxer.write(packet)
    }

    /// Drains the encoder, writes the trailer and moves `NAME.part` to `NAME`.
    public func finish() throws {
        guard !finished else { return }
        do {
            try encode(nil)
            try muxer.finish()
            if let partPath {
                if rename(partPath, path) != 0 {
                    let reason = String(cString: strerror(errno))
                    throw VideoIOError.output(path: path, reason: "cannot rename from .part: \(reason)")
                }
            }
            finished = true
        } catch {
            abort()
            throw error
        }
    }

    /// Stops writing and removes the partial file.
    public func abort() {
        finished = true
        muxer.closeIO()
        removePart()
    }

    private func removePart() {
        if let partPath { unlink(partPath) }
    }

    private func encode(_ frame: Frame?) throws {
        switch encoder.send(frame) {
        case .ok, .again, .endOfStream:
            break
        case .failure(let code):
            throw VideoIOError.internalFailure("encoding failed: \(ffmpegReason(code))")
        }
        while true {
            packet.unref()
            switch encoder.receive(into: packet) {
            case .ok:
                av_packet_rescale_ts(packet.pointer, encoder.timeBase, videoStream.pointee.time_base)
                packet.pointer.pointee.stream_index = videoStream.pointee.index
                try muxer.write(packet)
            case .again, .endOfStream:
                return
            case .failure(let code):
                throw VideoIOError.internalFailure("encoding failed: \(ffmpegReason(code))")
            }
        }
    }
}
