import ArgumentParser
import Foundation

/// How progress is shown on stderr (`--progress`).
enum ProgressStyle: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// One line rewritten in place, with a bar when the total is known.
    case bar
    /// A line a second: what a log file or CI can keep.
    case plain
    case none

    /// The bar on a terminal and plain lines otherwise; nothing with -q.
    static func resolve(_ asked: ProgressStyle?, quiet: Bool) -> ProgressStyle {
        if quiet { return .none }
        return asked ?? (isatty(STDERR_FILENO) != 0 ? .bar : .plain)
    }
}

/// Work done (frames, denoising steps, files), rate and time left, on stderr.
final class Progress: @unchecked Sendable {
    private let total: Int?
    private let style: ProgressStyle
    private let unit: String
    private let start = Date()
    private let lock = NSLock()
    /// The first line waits one interval, so short runs print only the summary.
    private var lastPrint: Date

    init(total: Int?, style: ProgressStyle, unit: String = "frame") {
        self.total = total
        self.style = style
        self.unit = unit
        lastPrint = start
    }

    func update(_ done: Int) {
        guard style != .none else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) >= (style == .bar ? 0.1 : 1.0) else { return }
        lastPrint = now
        let line = Progress.describe(done, unit: unit, total: total, elapsed: now.timeIntervalSince(start))
        if style == .bar {
            StatusLine.shared.show(Progress.bar(done, total: total) + line)
        } else {
            Log.write(line + "\n")
        }
    }

    func finish(_ done: Int) {
        guard style != .none else { return }
        let elapsed = Date().timeIntervalSince(start)
        StatusLine.shared.show(nil)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        Log.write("done: \(done) \(unit)s in \(String(format: "%.1f", elapsed)) s "
            + "(\(String(format: "%.1f", rate)) \(unit)s/s)\n")
    }

    /// Takes the bar away without a closing line: a batch ends with its own summary.
    func stop() {
        if style == .bar { StatusLine.shared.show(nil) }
    }

    static func bar(_ done: Int, total: Int?, width: Int = 24) -> String {
        guard let total, total > 0 else { return "" }
        let filled = min(width, width * done / total)
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
    }

    static func describe(_ done: Int, unit: String, total: Int?, elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "\(unit) \(done)"
        if let total, total > 0 {
            line += "/\(total)"
        }
        line += "  " + String(format: "%.2f", rate) + " \(unit)s/s"
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
