import Foundation

/// The process's peak resident memory, resettable so that runs in one process each get their own peak: Linux
/// resets the high-water mark (VmHWM) when "5" is written to /proc/self/clear_refs. getrusage's ru_maxrss cannot be
/// reset, so where /proc is missing the figure is the peak since the process started.
enum PeakMemory {
    static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func mebibytes() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") {
            return kilobytes / 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
