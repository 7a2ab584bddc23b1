import Foundation

/// Frames done, rate and time left, on stderr: one rewritten line on a terminal, a plain line a second otherwise.
final class Progress {
    private let total: Int?
    private let enabled: Bool
    private let terminal: Bool
    private let start = Date()
    /// The first line waits one interval, so short runs print only the summary.
    private lazy var lastPrint = start
    private var printedOnTerminal = false

    init(total: Int?, enabled: Bool) {
        self.total = total
        self.enabled = enabled
        terminal = isatty(STDERR_FILENO) != 0
    }

    func update(frames: Int) {
        guard enabled else { return }
        let now = Date()
        let interval = terminal ? 0.1 : 1.0
        guard now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let line = Progress.describe(frames: frames, total: total, elapsed: now.timeIntervalSince(start))
        if terminal {
            Log.write("\r\(line)\u{1B}[K")
            printedOnTerminal = true
        } else {
            Log.write("\(line)\n")
        }
    }

    func finish(frames: Int) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        if printedOnTerminal { Log.write("\r\u{1B}[K") }
        let rate = elapsed > 0 ? Double(frames) / elapsed : 0
        Log.write("done: \(frames) frames in \(String(format: "%.1f", elapsed)) s "
            + "(\(String(format: "%.1f", rate)) fps)\n")
    }

    static func describe(frames: Int, total: Int?, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(frames) / elapsed : 0
        var line = "frame \(frames)"
        if let total, total > 0 {
            line += "/\(total)"
        }
        line += String(format: "  %.1f fps", rate)
        if let total, total > frames, rate > 0 {
            line += "  ETA " + clock(Double(total - frames) / rate)
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
