import CFFmpeg

/// Owns a copy of a stream's AVCodecParameters, so a track description outlives the demuxer it came from.
final class CodecParameters {
    let pointer: UnsafeMutablePointer<AVCodecParameters>

    init(copying source: UnsafePointer<AVCodecParameters>) {
        guard let p = avcodec_parameters_alloc() else { fatalError("avcodec_parameters_alloc: out of memory") }
        if avcodec_parameters_copy(p, source) < 0 { fatalError("avcodec_parameters_copy: out of memory") }
        pointer = p
    }

    deinit {
        var p: UnsafeMutablePointer<AVCodecParameters>? = pointer
        avcodec_parameters_free(&p)
    }
}
