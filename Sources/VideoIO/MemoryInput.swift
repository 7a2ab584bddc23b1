import CFFmpeg

/// Bytes in memory as FFmpeg input: an AVIOContext whose read and seek callbacks walk an array. The fuzzer feeds the
/// demuxer this way (no file per input), and a library user can decode a clip it already holds.
final class MemoryInput {
    let context: UnsafeMutablePointer<AVIOContext>
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        let bufferSize = 32 * 1024
        guard let buffer = av_malloc(bufferSize)?.assumingMemoryBound(to: UInt8.self) else {
            fatalError("av_malloc: out of memory")
        }
        guard let ctx = avio_alloc_context(buffer, Int32(bufferSize), 0, nil, { opaque, target, size in
            let input = Unmanaged<MemoryInput>.fromOpaque(opaque!).takeUnretainedValue()
            return input.read(into: target!, size: Int(size))
        }, nil, { opaque, offset, whence in
            let input = Unmanaged<MemoryInput>.fromOpaque(opaque!).takeUnretainedValue()
            return input.seek(offset, whence)
        }) else { fatalError("avio_alloc_context: out of memory") }
        context = ctx
        // Unretained: this object owns the context and frees it in deinit, so the callbacks never outlive it.
        ctx.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        av_freep(&context.pointee.buffer)
        var ctx: UnsafeMutablePointer<AVIOContext>? = context
        avio_context_free(&ctx)
    }

    private func read(into target: UnsafeMutablePointer<UInt8>, size: Int) -> Int32 {
        let count = min(size, bytes.count - position)
        guard count > 0 else { return AVCodes.eof }
        bytes.withUnsafeBufferPointer { target.update(from: $0.baseAddress! + position, count: count) }
        position += count
        return Int32(count)
    }

    private func seek(_ offset: Int64, _ whence: Int32) -> Int64 {
        if whence & AVSEEK_SIZE != 0 { return Int64(bytes.count) }
        let base: Int
        switch whence & ~AVSEEK_FORCE {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = position
        case SEEK_END: base = bytes.count
        default: return -1
        }
        let target = Int64(base) + offset
        guard target >= 0 && target <= Int64(bytes.count) else { return -1 }
        position = Int(target)
        return target
    }
}
