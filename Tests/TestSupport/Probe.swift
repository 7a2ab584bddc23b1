import Foundation

/// What ffprobe says about a file (decoding every frame, so frame counts are real, not container claims).
public struct Probe: Sendable {
    public struct Stream: Sendable {
        public var type: String
        public var codec: String
        public var width: Int?
        public var height: Int?
        public var frameRate: Double?
        public var frames: Int?
    }

    public var streams: [Stream]
    public var formatName: String
    public var duration: Double?

    public var video: Stream? { streams.first { $0.type == "video" } }
    public var audio: Stream? { streams.first { $0.type == "audio" } }

    /// Probes `path` (or stdin-fed data with `data`).
    public init(_ path: String) throws {
        let result = try run("ffprobe", ["-v", "error", "-count_frames", "-show_streams", "-show_format",
                                         "-of", "json", path])
        guard result.status == 0 else { throw ToolFailure(command: "ffprobe \(path)", output: result.stderr) }
        let json = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
        let streams = json["streams"] as? [[String: Any]] ?? []
        self.streams = streams.map { s in
            Stream(type: s["codec_type"] as? String ?? "", codec: s["codec_name"] as? String ?? "",
                   width: s["width"] as? Int, height: s["height"] as? Int,
                   frameRate: (s["r_frame_rate"] as? String).flatMap(Probe.rate),
                   frames: (s["nb_read_frames"] as? String).flatMap { Int($0) })
        }
        let format = json["format"] as? [String: Any] ?? [:]
        formatName = format["format_name"] as? String ?? ""
        duration = (format["duration"] as? String).flatMap { Double($0) }
    }

    static func rate(_ text: String) -> Double? {
        let parts = text.split(separator: "/").compactMap { Double($0) }
        guard parts.count == 2, parts[1] != 0 else { return nil }
        return parts[0] / parts[1]
    }
}

/// Average PSNR (dB, over Y, U and V as ffmpeg's psnr filter reports it) of `a` against `b`.
public func psnr(_ a: String, _ b: String) throws -> Double {
    let result = try run("ffmpeg", ["-nostdin", "-hide_banner", "-i", a, "-i", b,
                                    "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"])
    guard let line = result.stderrLines.last(where: { $0.contains("PSNR") }),
          let range = line.range(of: "average:") else {
        throw ToolFailure(command: "ffmpeg psnr \(a) \(b)", output: result.stderr)
    }
    let value = line[range.upperBound...].prefix { !$0.isWhitespace }
    return value == "inf" ? .infinity : Double(value) ?? 0
}
