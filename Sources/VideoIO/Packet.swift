import CFFmpeg

/// Owns one AVPacket.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        guard let p = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = p
    }

    /// A new reference to the same data (no copy of the payload).
    func clone() -> Packet {
        let copy = Packet()
        if av_packet_ref(copy.pointer, pointer) < 0 { fatalError("av_packet_ref: out of memory") }
        return copy
    }

    func unref() { av_packet_unref(pointer) }

    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&p)
    }
}
