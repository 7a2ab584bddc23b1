import CFFmpeg
import Glibc

/// Owns an input AVFormatContext: a file, a URL, or `-` for stdin.
final class Demuxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String

    /// Keeps custom input alive as long as the format context that reads it.
    private let memory: MemoryInput?

    convenience init(path: String, formatName: String?) throws {
        try self.init(path: path, memory: nil, formatName: formatName)
    }

    /// Reads `bytes` instead of a file; `name` stands for the input in messages.
    convenience init(bytes: [UInt8], name: String, formatName: String?) throws {
        try self.init(path: name, memory: MemoryInput(bytes), formatName: formatName)
    }

    private init(path: String, memory: MemoryInput?, formatName: String?) throws {
        self.path = path
        self.memory = memory
        FFmpegLog.installDefault()
        var format: UnsafePointer<AVInputFormat>?
        if let formatName {
            format = av_find_input_format(formatName)
            if format == nil { throw VideoIOError.invalidOption("unknown input format '\(formatName)'") }
        }
        // FFmpeg's pipe protocol reads fd 0 for "pipe:0"; a path that merely looks like a URL stays a URL.
        let url = path == "-" ? "pipe:0" : path
        _ = takeLoggedError()
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        if let memory {
            ctx = avformat_alloc_context()
            ctx?.pointee.pb = memory.context
        }
        var ret = avformat_open_input(&ctx, memory == nil ? url : "", format, nil)
        guard ret >= 0, let ctx else {
            // FFmpeg's reason for an empty file depends on the name ("moov atom not found" for .mp4).
            var info = stat()
            if memory == nil, path != "-", stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size == 0 {
                _ = takeLoggedError()
                throw VideoIOError.input(path: path, reason: "the file is empty")
            }
            throw VideoIOError.input(path: path, reason: ffmpegReason(ret))
        }
        context = ctx
        ret = avformat_find_stream_info(ctx, nil)
        if ret < 0 { throw VideoIOError.input(path: path, reason: ffmpegReason(ret)) }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[index]!
    }

    /// The stream FFmpeg would pick for `type`, or nil.
    func bestStream(_ type: AVMediaType) -> Int? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        return index >= 0 ? Int(index) : nil
    }

    /// Start of the presentation in seconds (0 when the container does not say).
    var startTime: Double {
        let t = context.pointee.start_time
        return t == AVCodes.noPTS ? 0 : Double(t) / Double(AV_TIME_BASE)
    }

    /// Duration in seconds, or nil when the container does not say (pipes, raw streams).
    var duration: Double? {
        let d = context.pointee.duration
        return d == AVCodes.noPTS || d <= 0 ? nil : Double(d) / Double(AV_TIME_BASE)
    }

    var formatName: String { String(cString: context.pointee.iformat.pointee.name) }

    /// Seeks to the last keyframe at or before `seconds` (absolute, in the container's timeline). Returns false when
    /// the input cannot seek (pipes): the caller then decodes from the start and drops frames.
    func seek(toSeconds seconds: Double) -> Bool {
        let target = Int64(seconds * Double(AV_TIME_BASE))
        return avformat_seek_file(context, -1, Int64.min, target, target, 0) >= 0
    }

    /// Reads the next packet of any stream into `packet`.
    func read(into packet: Packet) -> AVStatus {
        AVStatus(av_read_frame(context, packet.pointer))
    }
}
