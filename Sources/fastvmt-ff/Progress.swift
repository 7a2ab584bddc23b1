import Foundation

/// Work done (frames, or denoising steps), rate and time left, on stderr: one rewritten line on a terminal, a plain
/// line a second otherwise.
final class Progress {
    private let total: Int?
    private let enabled: Bool
    private let unit: String
    private let terminal: Bool
    private let start = Date()
    /// The first line waits one interval, so short runs print only the summary.
    private lazy var lastPrint = start
    private var printedOnTerminal = false

    init(total: Int?, enabled: Bool, unit: String = "frame") {
        self.total = total
        self.enabled = enabled
        self.unit = unit
        terminal = isatty(STDERR_FILENO) != 0
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        let interval = terminal ? 0.1 : 1.0
        guard now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let line = Progress.describe(done, unit: unit, total: total, elapsed: now.timeIntervalSince(start))
        if terminal {
            Log.write("\r\(line)\u{1B}[K")
            printedOnTerminal = true
        } else {
            Log.write("\(line)\n")
        }
    }

    func finish(_ done: Int) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        if printedOnTerminal { Log.write("\r\u{1B}[K") }
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        Log.write("done: \(done) \(unit)s in \(String(format: "%.1f", elapsed)) s "
            + "(\(String(format: "%.1f", rate)) \(unit)s/s)\n")
    }

    static func describe(_ done: Int, unit: String, total: Int?, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "\(unit) \(done)"
        if let total, total > 0 {
            line += "/\(total)"
        }
        line += String(format: "  %.2f \(unit)s/s", rate)
        if let total, total > done, rate > 0 {
            line += "  ETA " + clock(Double(total - done) / rate)
        }
        return line
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
