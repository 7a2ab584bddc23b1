/// The words of the world: what objects and backgrounds can be, each with the colour it is drawn in. Object and
/// background colours are different sets, so "a red square on a red background" never has to be drawn.
public enum ObjectColor: String, CaseIterable, Codable, Sendable {
    case red, green, blue, yellow, purple, orange, white, cyan

    public var rgb: SIMD3<Float> {
        switch self {
        case .red: [0.90, 0.12, 0.10]
        case .green: [0.15, 0.80, 0.20]
        case .blue: [0.15, 0.30, 0.95]
        case .yellow: [0.95, 0.88, 0.10]
        case .purple: [0.60, 0.20, 0.80]
        case .orange: [1.00, 0.55, 0.05]
        case .white: [0.96, 0.96, 0.96]
        case .cyan: [0.10, 0.85, 0.90]
        }
    }
}

public enum Shape: String, CaseIterable, Codable, Sendable {
    case circle, square, triangle, diamond, cross
}

public enum ObjectTexture: String, CaseIterable, Codable, Sendable {
    case plain, striped
}

public enum BackgroundColor: String, CaseIterable, Codable, Sendable {
    case black, gray, navy, brown, olive, maroon

    public var rgb: SIMD3<Float> {
        switch self {
        case .black: [0.05, 0.05, 0.05]
        case .gray: [0.40, 0.40, 0.40]
        case .navy: [0.08, 0.10, 0.35]
        case .brown: [0.35, 0.22, 0.10]
        case .olive: [0.33, 0.35, 0.10]
        case .maroon: [0.35, 0.06, 0.12]
        }
    }
}

public enum BackgroundPattern: String, CaseIterable, Codable, Sendable {
    case plain, striped, checkered, dotted, gradient
}

public enum Trajectory: String, CaseIterable, Codable, Sendable {
    case linear, arc, bounce, zoom, still
}

/// Every word a caption can contain, in a fixed order (the tokenizer's vocabulary is built from it).
public enum WorldVocabulary {
    public static let grammarWords = ["a", "an", "and", "on", "background"]

    public static var words: [String] {
        let all = grammarWords + ObjectColor.allCases.map(\.rawValue) + Shape.allCases.map(\.rawValue)
            + ObjectTexture.allCases.filter { $0 != .plain }.map(\.rawValue)
            + BackgroundColor.allCases.map(\.rawValue) + BackgroundPattern.allCases.filter { $0 != .plain }.map(\.rawValue)
        var seen = Set<String>()
        return all.filter { seen.insert($0).inserted }  // "striped" is both a texture and a pattern
    }
}
