import CFFmpeg

/// What the input says about its video stream, before any conversion.
public struct VideoInfo: Sendable {
    /// Container name as FFmpeg calls it ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "nut").
    public var container: String
    public var codec: String
    /// Coded size (before rotation).
    public var width: Int
    public var height: Int
    public var pixelFormat: String
    /// Average frame rate (the stream's guess for variable-rate input).
    public var frameRate: Rational
    public var timeBase: Rational
    /// Seconds, when known (not for most pipes).
    public var duration: Double?
    /// Frame count from the container, or estimated from duration × frame rate; nil when neither is known.
    public var frameCount: Int?
    /// Counter-clockwise turn in degrees that a player applies to show the picture upright, as ffprobe's "rotation"
    /// (0, 90, 180, 270, or any angle the matrix says).
    public var rotation: Double
    public var audio: AudioTrack?

    /// Size after rotation, as a player shows it.
    public var displayWidth: Int { isQuarterTurn ? height : width }
    public var displayHeight: Int { isQuarterTurn ? width : height }

    var isQuarterTurn: Bool {
        let r = rotation.rounded()
        return r == 90 || r == 270
    }
}

/// An audio stream to copy to the output unchanged. Holds its own copy of the codec parameters.
public final class AudioTrack: @unchecked Sendable {
    let parameters: CodecParameters
    let timeBase: AVRational
    public let codec: String
    public let sampleRate: Int
    public let channels: Int

    init(stream: UnsafeMutablePointer<AVStream>) {
        parameters = CodecParameters(copying: stream.pointee.codecpar)
        timeBase = stream.pointee.time_base
        let p = stream.pointee.codecpar.pointee
        codec = String(cString: avcodec_get_name(p.codec_id))
        sampleRate = Int(p.sample_rate)
        channels = Int(p.ch_layout.nb_channels)
    }
}

/// One compressed audio packet on its way from the reader to the writer, timestamps already relative to the
/// output's start.
public final class AudioPacket: @unchecked Sendable {
    let packet: Packet
    let timeBase: AVRational

    init(packet: Packet, timeBase: AVRational) {
        self.packet = packet
        self.timeBase = timeBase
    }

    /// Presentation time in seconds (nil if the packet has none).
    public var time: Double? {
        let pts = packet.pointer.pointee.pts
        return pts == AVCodes.noPTS ? nil : Double(pts) * av_q2d(timeBase)
    }
}
