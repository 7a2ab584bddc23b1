import Foundation

/// Messages for people, always on stderr: stdout may be carrying the video.
struct Log: Sendable {
    enum Level: Int, Comparable, Sendable {
        case quiet, normal, verbose
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    let level: Level
    /// Names the file a message is about when a batch runs several at once.
    var subject: String?

    init(level: Level, subject: String? = nil) {
        self.level = level
        self.subject = subject
    }

    func about(_ subject: String) -> Log { Log(level: level, subject: subject) }

    func info(_ message: String) {
        if level >= .normal { Log.error(subject.map { "\($0): \(message)" } ?? message) }
    }

    func verbose(_ message: String) {
        if level >= .verbose { Log.error(subject.map { "\($0): \(message)" } ?? message) }
    }

    /// Errors are printed even with -q: a failing run must say why.
    static func error(_ message: String) {
        StatusLine.shared.print("fastvmt-ff: \(message)\n")
    }

    static func write(_ text: String) {
        StatusLine.shared.print(text)
    }
}

/// stderr, shared by log lines and a progress bar that is rewritten in place: a line printed while the bar shows
/// clears it first and draws it again below, so the two never run into each other, whichever thread prints.
final class StatusLine: @unchecked Sendable {
    static let shared = StatusLine()
    private let lock = NSLock()
    private var bar: String?

    func print(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        StatusLine.write(bar == nil ? text : "\r\u{1B}[K" + text + (bar ?? ""))
    }

    /// Shows `text` as the bar, or removes the bar with nil.
    func show(_ text: String?) {
        lock.lock()
        defer { lock.unlock() }
        if bar == nil && text == nil { return }
        StatusLine.write("\r\u{1B}[K" + (text ?? ""))
        bar = text
    }

    /// write(2) rather than FileHandle, whose write traps when stderr is a closed pipe; a message that cannot be
    /// shown is no reason to stop the run.
    private static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Foundation.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
