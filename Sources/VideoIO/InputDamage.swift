/// What went wrong in an input that was read anyway: damaged packets the decoder skipped or concealed, and an input
/// that stopped before its end. With `ReaderOptions.strict` the first of these is thrown instead.
public struct InputDamage: Sendable, Equatable {
    /// Video packets the decoder rejected plus frames it delivered with concealed errors.
    public internal(set) var damagedVideo = 0
    /// Seconds into the input (counting from its start, not from `--start`) of the first damage.
    public internal(set) var firstDamageTime: Double?
    /// Why reading stopped before the end the container announced (a read error, a truncated file).
    public internal(set) var endedEarly: String?

    public var isEmpty: Bool { damagedVideo == 0 && endedEarly == nil }

    /// One line for the log, nil when nothing went wrong.
    public func summary(path: String) -> String? {
        var parts: [String] = []
        if damagedVideo > 0 {
            let at = firstDamageTime.map { String(format: ", the first at %.2f s", $0) } ?? ""
            parts.append("\(damagedVideo) damaged video packet\(damagedVideo == 1 ? "" : "s") skipped or concealed\(at)")
        }
        if let endedEarly { parts.append(endedEarly) }
        guard !parts.isEmpty else { return nil }
        return "\(displayName(path)): " + parts.joined(separator: "; ") + " (--strict stops at the first problem)"
    }
}
