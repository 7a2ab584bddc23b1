import CFFmpeg

/// Owns an output AVFormatContext and its AVIOContext.
final class Muxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    /// What the user named (for messages): a path or `-`.
    let path: String
    private var ioOpen = false

    /// `writeURL` is where bytes go (a `.part` file or `pipe:1`); the container comes from `formatName`, else from
    /// `path`'s extension.
    init(path: String, writeURL: String, formatName: String?) throws {
        self.path = path
        FFmpegLog.installDefault()
        var format: UnsafePointer<AVOutputFormat>?
        if let formatName {
            format = av_guess_format(formatName, nil, nil)
            if format == nil { throw VideoIOError.invalidOption("unknown output format '\(formatName)'") }
        } else {
            format = av_guess_format(nil, path, nil)
            if format == nil {
                throw VideoIOError.output(path: path, reason: "cannot tell the container from the name; use -f")
            }
        }
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        let ret = avformat_alloc_output_context2(&ctx, format, nil, writeURL)
        guard ret >= 0, let ctx else { throw VideoIOError.output(path: path, reason: ffmpegReason(ret)) }
        context = ctx
    }

    deinit {
        closeIO()
        avformat_free_context(context)
    }

    var format: UnsafePointer<AVOutputFormat> { context.pointee.oformat }
    var needsGlobalHeader: Bool { format.pointee.flags & AVFMT_GLOBALHEADER != 0 }
    var formatName: String { String(cString: format.pointee.name) }

    /// Whether this container can hold `codec`; unknown counts as yes and is settled by writing the header.
    func accepts(_ codec: AVCodecID) -> Bool {
        avformat_query_codec(format, codec, FF_COMPLIANCE_NORMAL) != 0
    }

    func addStream() -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream: out of memory") }
        return stream
    }

    /// Opens the destination and writes the container header with muxer options such as movflags.
    func open(options: [String: String]) throws {
        if format.pointee.flags & AVFMT_NOFILE == 0 {
            let ret = avio_open(&context.pointee.pb, context.pointee.url, AVIO_FLAG_WRITE)
            if ret < 0 { throw VideoIOError.output(path: path, reason: ffmpegReason(ret)) }
            ioOpen = true
        }
        var dict: OpaquePointer?
        for (key, value) in options { av_dict_set(&dict, key, value, 0) }
        defer { av_dict_free(&dict) }
        let ret = avformat_write_header(context, &dict)
        if ret < 0 { throw VideoIOError.output(path: path, reason: "cannot write the header: \(ffmpegReason(ret))") }
    }

    /// Interleaves and writes a packet; takes its reference and leaves `packet` blank.
    func write(_ packet: Packet) throws {
        let ret = av_interleaved_write_frame(context, packet.pointer)
        if ret < 0 { throw VideoIOError.output(path: path, reason: "write failed: \(ffmpegReason(ret))") }
    }

    func finish() throws {
        var ret = av_write_trailer(context)
        if ret < 0 { throw VideoIOError.output(path: path, reason: "cannot finish the file: \(ffmpegReason(ret))") }
        if ioOpen {
            ret = avio_closep(&context.pointee.pb)
            ioOpen = false
            if ret < 0 { throw VideoIOError.output(path: path, reason: "cannot close: \(ffmpegReason(ret))") }
        }
    }

    func closeIO() {
        if ioOpen {
            avio_closep(&context.pointee.pb)
            ioOpen = false
        }
    }
}
