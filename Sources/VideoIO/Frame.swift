import CFFmpeg

/// Owns one AVFrame.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        guard let f = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = f
    }

    /// A frame with its own buffers, for the encoder's input.
    convenience init(width: Int, height: Int, format: AVPixelFormat) throws {
        self.init()
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        pointer.pointee.format = format.rawValue
        let ret = av_frame_get_buffer(pointer, 0)
        if ret < 0 { throw VideoIOError.internalFailure("cannot allocate a \(width)x\(height) frame: \(ffmpegReason(ret))") }
    }

    /// Makes the buffers writable again when the encoder still holds a reference to them.
    func makeWritable() throws {
        let ret = av_frame_make_writable(pointer)
        if ret < 0 { throw VideoIOError.internalFailure("cannot make a frame writable: \(ffmpegReason(ret))") }
    }

    func unref() { av_frame_unref(pointer) }

    deinit {
        var f: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&f)
    }
}
