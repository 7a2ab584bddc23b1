import CFFmpeg

/// An exact frame rate or time base (AVRational without exposing FFmpeg's type).
public struct Rational: Sendable, Hashable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32

    public init(_ num: Int32, _ den: Int32) {
        self.num = num
        self.den = den
    }

    init(_ q: AVRational) {
        self.init(q.num, q.den)
    }

    /// The closest fraction with a denominator up to 1001·1000 (so 29.97 becomes 30000/1001).
    public init(approximating value: Double) {
        self.init(av_d2q(value, 1_001_000))
    }

    var av: AVRational { AVRational(num: num, den: den) }
    public var value: Double { den == 0 ? 0 : Double(num) / Double(den) }
    public var isValid: Bool { num > 0 && den > 0 }
    public var inverted: Rational { Rational(den, num) }
    public var description: String { den == 1 ? "\(num)" : "\(num)/\(den)" }
}
