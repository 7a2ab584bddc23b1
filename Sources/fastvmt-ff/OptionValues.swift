import VideoIO

/// Parsers for the values of ffmpeg-style options, each returning nil on malformed text.
enum OptionValues {
    /// Seconds as "12.5", or "[HH:]MM:SS[.fff]" as ffmpeg writes durations.
    static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0.0
        for (i, part) in parts.enumerated() {
            guard let value = Double(part), value >= 0, value.isFinite else { return nil }
            if i < parts.count - 1 && (value != value.rounded() || part.contains(".")) { return nil }
            total = total * 60 + value
        }
        return total
    }

    /// A frame rate as "25", "29.97" or "30000/1001".
    static func frameRate(_ text: String) -> Rational? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let n = Int32(parts[0]), let d = Int32(parts[1]), n > 0, d > 0 else { return nil }
            return Rational(n, d)
        }
        guard parts.count == 1, let value = Double(text), value > 0, value <= 1000 else { return nil }
        return Rational(approximating: value)
    }

    /// Bits per second as "800000", "800k", "2.5M".
    static func bitrate(_ text: String) -> Int? {
        let scale: Double
        var digits = Substring(text)
        switch text.last {
        case "k", "K": scale = 1e3; digits = digits.dropLast()
        case "m", "M": scale = 1e6; digits = digits.dropLast()
        default: scale = 1
        }
        guard let value = Double(digits), value > 0, value.isFinite else { return nil }
        return Int((value * scale).rounded())
    }
}
