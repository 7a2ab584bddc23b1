import Foundation

/// Messages for people, always on stderr: stdout may be carrying the video.
struct Log: Sendable {
    enum Level: Int, Comparable, Sendable {
        case quiet, normal, verbose
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    let level: Level

    func info(_ message: String) {
        if level >= .normal { Log.write("fastvmt-ff: \(message)\n") }
    }

    func verbose(_ message: String) {
        if level >= .verbose { Log.write("fastvmt-ff: \(message)\n") }
    }

    /// Errors are printed even with -q: a failing run must say why.
    static func error(_ message: String) {
        write("fastvmt-ff: \(message)\n")
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
