import CFFmpeg

/// What to read and how to deliver it.
public struct ReaderOptions: Sendable {
    /// Output size (after rotation); nil keeps the displayed size of the source, rounded down to a multiple of
    /// `sizeMultiple`.
    public var size: PixelSize?
    /// 2 when the frames will be encoded as 4:2:0, which needs even sides.
    public var sizeMultiple = 1
    public var layout: PixelLayout = .planar
    /// Output frame rate; nil keeps the source's average rate. Frames are duplicated or dropped to fit.
    public var frameRate: Rational?
    /// Seconds to skip from the start of the input.
    public var start: Double = 0
    /// Seconds to deliver from `start`; nil reads to the end.
    public var duration: Double?
    /// Container to assume instead of probing (ffmpeg's `-f` before `-i`).
    public var inputFormat: String?
    /// Decoder threads; 0 lets FFmpeg choose from the core count.
    public var threads: Int = 0
    /// Deliver the audio stream's packets for stream copy.
    public var includeAudio = true
    /// Stop with an error at the first damaged packet or early end, instead of skipping, concealing and reporting
    /// them in `VideoReader.damage` (FFmpeg's default).
    public var strict = false

    public init() {}
}

/// What `VideoReader.next()` yields, in file order.
public enum ReaderEvent: Sendable {
    case video(RGBFrame)
    case audio(AudioPacket)
}

/// Decodes the best video stream of a file, URL or stdin (`-`) into constant-rate Float32 RGB frames, and passes the
/// audio stream's packets through for copying.
public final class VideoReader {
    public let info: VideoInfo
    /// Size of the delivered frames.
    public let outputSize: PixelSize
    /// Rate of the delivered frames.
    public let outputFrameRate: Rational
    public let options: ReaderOptions
    /// What was skipped or concealed so far (always empty with `options.strict`, which throws instead).
    public private(set) var damage = InputDamage()

    private let demuxer: Demuxer
    private let decoder: Decoder
    private let videoIndex: Int
    private let audioIndex: Int?
    private let videoTimeBase: AVRational
    private let scaler = Scaler()
    private let packet = Packet()
    private let decoded = Frame()
    private var converter: FrameRateConverter
    /// Timeline origin in seconds: the container's start plus the requested start.
    private let origin: Double
    /// Clockwise quarter turn applied to every frame (0, 90, 180 or 270).
    private let rotation: Int
    private var pending: RGBFrame?
    private var lastFrameTime: Double?
    private var events: [ReaderEvent] = []
    private var eventHead = 0
    private var videoDone = false
    private var inputDone = false
    private var rotationScratch: [Float] = []

    public convenience init(path: String, options: ReaderOptions = ReaderOptions()) throws {
        try self.init(demuxer: Demuxer(path: path, formatName: options.inputFormat), options: options)
    }

    /// Decodes a file held in memory; `name` stands for it in messages.
    public convenience init(bytes: [UInt8], name: String, options: ReaderOptions = ReaderOptions()) throws {
        try self.init(demuxer: Demuxer(bytes: bytes, name: name, formatName: options.inputFormat), options: options)
    }

    private init(demuxer: Demuxer, options: ReaderOptions) throws {
        self.options = options
        self.demuxer = demuxer
        let path = demuxer.path
        guard let index = demuxer.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw VideoIOError.input(path: path, reason: "no video stream")
        }
        videoIndex = index
        let stream = demuxer.stream(index)
        videoTimeBase = stream.pointee.time_base
        decoder = try Decoder(stream: stream, threads: options.threads, strict: options.strict, path: path)

        var audioTrack: AudioTrack?
        if options.includeAudio, let a = demuxer.bestStream(AVMEDIA_TYPE_AUDIO) {
            audioIndex = a
            audioTrack = AudioTrack(stream: demuxer.stream(a))
        } else {
            audioIndex = nil
        }
        // Every other stream is dropped by the demuxer instead of being read and thrown away.
        for i in 0..<demuxer.streamCount where i != videoIndex && i != audioIndex {
            demuxer.stream(i).pointee.discard = AVDISCARD_ALL
        }

        let params = stream.pointee.codecpar.pointee
        var rate = Rational(stream.pointee.avg_frame_rate)
        if !rate.isValid { rate = Rational(stream.pointee.r_frame_rate) }
        if !rate.isValid { rate = Rational(25, 1) }  // what ffmpeg assumes for streams that declare nothing
        let streamDuration = stream.pointee.duration
        let duration = streamDuration != AVCodes.noPTS && streamDuration > 0
            ? Double(streamDuration) * av_q2d(stream.pointee.time_base) : demuxer.duration
        let frameCount: Int? = stream.pointee.nb_frames > 0
            ? Int(stream.pointee.nb_frames) : duration.map { Int(($0 * rate.value).rounded()) }
        info = VideoInfo(
            container: demuxer.formatName,
            codec: String(cString: avcodec_get_name(params.codec_id)),
            width: Int(params.width), height: Int(params.height),
            pixelFormat: pixelFormatName(AVPixelFormat(rawValue: params.format)),
            frameRate: rate, timeBase: Rational(stream.pointee.time_base),
            duration: duration, frameCount: frameCount,
            rotation: fvmt_stream_rotation(stream), audio: audioTrack)
        if info.width <= 0 || info.height <= 0 {
            throw VideoIOError.input(path: path, reason: "the video stream has no frame size")
        }
        // Only quarter turns are applied to pixels; other angles are reported and left alone.
        let quarter = Int(info.rotation.rounded())
        rotation = [90, 180, 270].contains(quarter) ? 360 - quarter : 0

        let m = max(1, options.sizeMultiple)
        outputSize = options.size ?? PixelSize(width: max(m, info.displayWidth / m * m),
                                               height: max(m, info.displayHeight / m * m))
        outputFrameRate = options.frameRate ?? rate
        converter = FrameRateConverter(rate: outputFrameRate, duration: options.duration)
        origin = demuxer.startTime + options.start
        if options.start > 0 {
            // A pipe cannot seek: then everything before `start` is decoded and dropped.
            _ = demuxer.seek(toSeconds: origin)
        }
    }

    /// Frames the reader expects to deliver, for progress and ETA; nil when the input does not say.
    public var expectedFrameCount: Int? {
        if let limit = converter.slotLimit, let d = info.duration {
            return min(limit, Int(((d - options.start) * outputFrameRate.value).rounded()))
        }
        if let limit = converter.slotLimit { return limit }
        return info.duration.map { max(0, Int((($0 - options.start) * outputFrameRate.value).rounded())) }
    }

    /// The next frame or audio packet, or nil at the end.
    public func next() throws -> ReaderEvent? {
        while eventHead == events.count {
            events.removeAll(keepingCapacity: true)
            eventHead = 0
            if inputDone { return nil }
            try step()
        }
        defer { eventHead += 1 }
        return events[eventHead]
    }

    /// Reads one packet and turns it into zero or more events.
    private func step() throws {
        packet.unref()
        switch demuxer.read(into: packet) {
        case .ok:
            let index = Int(packet.pointer.pointee.stream_index)
            if index == videoIndex {
                if !videoDone { try decode(packet) }
            } else if index == audioIndex {
                try queueAudio()
            }
            if videoDone && audioIndex == nil { try finishInput() }
        case .endOfStream:
            if !videoDone { try decode(nil) }
            try finishInput()
        case .again:
            return
        case .failure(let code):
            // FFmpeg's own tools end the input at a read error and keep what came before it.
            let reason = ffmpegReason(code)
            if options.strict || code == AVCodes.noMemory { throw VideoIOError.input(path: demuxer.path, reason: reason) }
            damage.endedEarly = "reading stopped early: \(reason)"
            if !videoDone { try decode(nil) }
            try finishInput()
        }
    }

    private func finishInput() throws {
        if !videoDone { flushPending() }
        videoDone = true
        inputDone = true
        try checkLength()
    }

    /// A file that ends well before the length its header announces was most likely cut short.
    private func checkLength() throws {
        guard damage.endedEarly == nil, let expected = expectedFrameCount, expected > 0,
              Double(converter.nextSlot) < 0.9 * Double(expected) - 1 else { return }
        let announced = Double(expected) / outputFrameRate.value, got = Double(converter.nextSlot) / outputFrameRate.value
        let reason = String(format: "the video ends at %.2f s of the %.2f s its header announces (truncated?)",
                            options.start + got, options.start + announced)
        if options.strict { throw VideoIOError.input(path: demuxer.path, reason: reason) }
        damage.endedEarly = reason
    }

    /// Skips what the decoder rejects or conceals, or with `strict` stops there.
    private func recordDamage(at time: Double?, _ reason: String) throws {
        // Times are reported on the input's own timeline, which is what a user can look up.
        let inputTime = (time ?? lastFrameTime).map { max(0, $0) + options.start }
        if options.strict {
            let at = inputTime.map { String(format: " at %.2f s", $0) } ?? ""
            throw VideoIOError.input(path: demuxer.path, reason: "damaged video data\(at): \(reason)")
        }
        damage.damagedVideo += 1
        if damage.firstDamageTime == nil { damage.firstDamageTime = inputTime }
    }

    private func decode(_ packet: Packet?) throws {
        switch decoder.send(packet) {
        case .ok, .again, .endOfStream:
            break
        case .failure(let code):
            if code == AVCodes.noMemory { throw VideoIOError.internalFailure("decoding: \(ffmpegReason(code))") }
            try recordDamage(at: packet.flatMap(packetTime), ffmpegReason(code))
        }
        while !videoDone {
            switch decoder.receive(into: decoded) {
            case .ok:
                try handleDecodedFrame()
                decoded.unref()
            case .again:
                return
            case .endOfStream:
                flushPending()
                videoDone = true
                return
            case .failure(let code):
                if code == AVCodes.noMemory { throw VideoIOError.internalFailure("decoding: \(ffmpegReason(code))") }
                try recordDamage(at: lastFrameTime, ffmpegReason(code))
                return
            }
        }
    }

    private func packetTime(_ packet: Packet) -> Double? {
        let pts = packet.pointer.pointee.pts
        return pts == AVCodes.noPTS ? nil : Double(pts) * av_q2d(videoTimeBase) - origin
    }

    private func handleDecodedFrame() throws {
        let ts = decoded.pointer.pointee.best_effort_timestamp
        let time: Double
        if ts != AVCodes.noPTS {
            time = Double(ts) * av_q2d(videoTimeBase) - origin
        } else {
            // No timestamp at all: assume the frame follows the previous one at the source's rate.
            time = (lastFrameTime ?? -1 / info.frameRate.value) + 1 / info.frameRate.value
        }
        // Frames before the requested start (decoded after seeking to the keyframe before it) are dropped.
        if time < -0.5 / outputFrameRate.value { return }
        lastFrameTime = time
        let f = decoded.pointer.pointee
        if f.flags & AV_FRAME_FLAG_CORRUPT != 0 || f.decode_error_flags != 0 {
            try recordDamage(at: time, takeLoggedError() ?? "the decoder concealed errors in this frame")
        }
        let frame = try convert()
        if pending != nil { emitPending(slots: converter.slots(before: time)) }
        pending = frame
        if converter.isFull {
            pending = nil
            videoDone = true
        }
    }

    /// The last decoded frame lasts one source frame period.
    private func flushPending() {
        guard pending != nil, let last = lastFrameTime else { return }
        emitPending(slots: converter.slots(before: last + 1 / info.frameRate.value))
        pending = nil
    }

    private func emitPending(slots: Range<Int>) {
        guard let frame = pending else { return }
        for n in slots {
            var copy = frame
            copy.index = n
            copy.time = converter.time(ofSlot: n)
            events.append(.video(copy))
        }
    }

    private func queueAudio() throws {
        guard let audioIndex else { return }
        let tb = demuxer.stream(audioIndex).pointee.time_base
        let p = packet.pointer
        let shift = av_rescale_q(Int64((origin * Double(AV_TIME_BASE)).rounded()), AVRational(num: 1, den: AV_TIME_BASE), tb)
        if p.pointee.pts != AVCodes.noPTS { p.pointee.pts -= shift }
        if p.pointee.dts != AVCodes.noPTS { p.pointee.dts -= shift }
        let audio = AudioPacket(packet: packet.clone(), timeBase: tb)
        if let t = audio.time {
            let length = Double(p.pointee.duration) * av_q2d(tb)
            if options.start > 0 && t + length <= 0 { return }
            if let limit = options.duration, t >= limit {
                if videoDone { try finishInput() }
                return
            }
        }
        events.append(.audio(audio))
    }

    /// Decoded frame → float planes at the output size, rotated as a player would show it.
    private func convert() throws -> RGBFrame {
        let w = outputSize.width, h = outputSize.height
        let plane = w * h
        var pixels = [Float](repeating: 0, count: 3 * plane)
        // A quarter turn swaps the sides: scale to the pre-rotation size, then turn.
        let (sw, sh) = rotation == 90 || rotation == 270 ? (h, w) : (w, h)
        if rotation == 0 {
            try pixels.withUnsafeMutableBufferPointer { buf in
                let base = buf.baseAddress!
                try scaler.convert(decoded, width: w, height: h, r: base, g: base + plane, b: base + 2 * plane)
            }
        } else {
            if rotationScratch.count != 3 * plane { rotationScratch = [Float](repeating: 0, count: 3 * plane) }
            try rotationScratch.withUnsafeMutableBufferPointer { buf in
                let base = buf.baseAddress!
                try scaler.convert(decoded, width: sw, height: sh, r: base, g: base + plane, b: base + 2 * plane)
            }
            rotatePlanes(rotationScratch, width: sw, height: sh, degrees: rotation, into: &pixels)
        }
        let frame = RGBFrame(width: w, height: h, layout: .planar, pixels: pixels)
        return options.layout == .planar ? frame : frame.converted(to: .packed)
    }
}

/// Rotates three planes of `width`×`height` clockwise by 90, 180 or 270 degrees.
func rotatePlanes(_ src: [Float], width sw: Int, height sh: Int, degrees: Int, into dst: inout [Float]) {
    let plane = sw * sh
    let (dw, dh) = degrees == 180 ? (sw, sh) : (sh, sw)
    src.withUnsafeBufferPointer { s in
        dst.withUnsafeMutableBufferPointer { d in
            for c in 0..<3 {
                let sp = s.baseAddress! + c * plane
                let dp = d.baseAddress! + c * plane
                for r in 0..<dh {
                    for col in 0..<dw {
                        let value: Float
                        switch degrees {
                        case 90: value = sp[(sh - 1 - col) * sw + r]
                        case 180: value = sp[(sh - 1 - r) * sw + (sw - 1 - col)]
                        default: value = sp[col * sw + (sw - 1 - r)]
                        }
                        dp[r * dw + col] = value
                    }
                }
            }
        }
    }
}
