import CFFmpeg

/// Settings of the video encoder.
public struct EncoderOptions: Sendable {
    /// FFmpeg encoder name.
    public var codec = "libx264"
    /// Constant rate factor for encoders that have one (x264, x265, vpx); nil keeps the encoder's default.
    public var crf: Double?
    /// Target bit rate in bits/s; nil for quality-based rate control.
    public var bitrate: Int?
    /// Pixel format name; nil picks yuv420p when the encoder takes it, else the encoder's first.
    public var pixelFormat: String?
    /// Encoder threads; 0 lets FFmpeg choose.
    public var threads = 0

    public init() {}
}

/// Owns an encoding AVCodecContext.
final class Encoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let pixelFormat: AVPixelFormat
    let isYUV: Bool

    init(options: EncoderOptions, width: Int, height: Int, frameRate: Rational, globalHeader: Bool) throws {
        guard let codec = avcodec_find_encoder_by_name(options.codec) else {
            throw VideoIOError.invalidOption("unknown video encoder '\(options.codec)'")
        }
        guard codec.pointee.type == AVMEDIA_TYPE_VIDEO else {
            throw VideoIOError.invalidOption("'\(options.codec)' is not a video encoder")
        }
        pixelFormat = try Encoder.choosePixelFormat(codec: codec, requested: options.pixelFormat)
        let desc = av_pix_fmt_desc_get(pixelFormat)!.pointee
        isYUV = desc.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0 && desc.nb_components >= 3
        let xStep = 1 << Int(desc.log2_chroma_w), yStep = 1 << Int(desc.log2_chroma_h)
        if width % xStep != 0 || height % yStep != 0 {
            let name = pixelFormatName(pixelFormat)
            throw VideoIOError.invalidOption("\(name) needs a width divisible by \(xStep) and a height divisible by "
                + "\(yStep); got \(width)x\(height) (choose another --size)")
        }

        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        context = ctx
        ctx.pointee.width = Int32(width)
        ctx.pointee.height = Int32(height)
        ctx.pointee.pix_fmt = pixelFormat
        ctx.pointee.time_base = frameRate.inverted.av
        ctx.pointee.framerate = frameRate.av
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        ctx.pointee.thread_count = Int32(options.threads)
        if isYUV {
            let hd = assumedColorspace(height: height) == AVCOL_SPC_BT709
            ctx.pointee.colorspace = hd ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M
            ctx.pointee.color_primaries = hd ? AVCOL_PRI_BT709 : AVCOL_PRI_SMPTE170M
            ctx.pointee.color_trc = hd ? AVCOL_TRC_BT709 : AVCOL_TRC_SMPTE170M
            ctx.pointee.color_range = AVCOL_RANGE_MPEG
        }
        if let bitrate = options.bitrate { ctx.pointee.bit_rate = Int64(bitrate) }
        if globalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        if let crf = options.crf {
            if av_opt_set_double(ctx.pointee.priv_data, "crf", crf, 0) < 0 {
                throw VideoIOError.invalidOption("encoder '\(options.codec)' has no crf setting; use a bit rate")
            }
        }
        let ret = avcodec_open2(ctx, codec, nil)
        if ret < 0 {
            throw VideoIOError.invalidOption("cannot open encoder '\(options.codec)' at \(width)x\(height): "
                + ffmpegReason(ret))
        }
    }

    private static func choosePixelFormat(codec: UnsafePointer<AVCodec>, requested: String?) throws -> AVPixelFormat {
        var supported: [AVPixelFormat] = []
        while case let f = fvmt_codec_pix_fmt(codec, Int32(supported.count)), f != AV_PIX_FMT_NONE {
            supported.append(f)
        }
        if let requested {
            let f = av_get_pix_fmt(requested)
            if f == AV_PIX_FMT_NONE { throw VideoIOError.invalidOption("unknown pixel format '\(requested)'") }
            if !supported.isEmpty && !supported.contains(f) {
                let names = supported.map(pixelFormatName).joined(separator: ", ")
                throw VideoIOError.invalidOption("encoder cannot take \(requested); it takes \(names)")
            }
            return f
        }
        if supported.isEmpty || supported.contains(AV_PIX_FMT_YUV420P) { return AV_PIX_FMT_YUV420P }
        return supported[0]
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Sends a frame, or nil to start draining.
    func send(_ frame: Frame?) -> AVStatus {
        AVStatus(avcodec_send_frame(context, frame?.pointer))
    }

    func receive(into packet: Packet) -> AVStatus {
        AVStatus(avcodec_receive_packet(context, packet.pointer))
    }

    var timeBase: AVRational { context.pointee.time_base }
}
