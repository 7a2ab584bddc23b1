import CFFmpeg

/// Owns a decoding AVCodecContext opened for one stream.
final class Decoder {
    let context: UnsafeMutablePointer<AVCodecContext>

    init(stream: UnsafeMutablePointer<AVStream>, threads: Int, strict: Bool, path: String) throws {
        let params = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(params.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(params.pointee.codec_id))
            throw VideoIOError.input(path: path, reason: "no decoder for codec '\(name)'")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        context = ctx
        var ret = avcodec_parameters_to_context(ctx, params)
        if ret < 0 { throw VideoIOError.input(path: path, reason: ffmpegReason(ret)) }
        ctx.pointee.pkt_timebase = stream.pointee.time_base
        ctx.pointee.thread_count = Int32(threads)
        ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        // Decoders that can tell a damaged packet from a good one then say so instead of concealing it.
        if strict { ctx.pointee.err_recognition |= AV_EF_EXPLODE }
        ret = avcodec_open2(ctx, codec, nil)
        if ret < 0 { throw VideoIOError.input(path: path, reason: "cannot open the decoder: \(ffmpegReason(ret))") }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Sends a packet, or nil to start draining.
    func send(_ packet: Packet?) -> AVStatus {
        AVStatus(avcodec_send_packet(context, packet?.pointer))
    }

    func receive(into frame: Frame) -> AVStatus {
        AVStatus(avcodec_receive_frame(context, frame.pointer))
    }
}
