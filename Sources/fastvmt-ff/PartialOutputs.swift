import Foundation
import VideoIO

/// The outputs being written right now, so that an interrupted run removes their `.part` files before it exits
/// and leaves nothing partial behind.
final class PartialOutputs: @unchecked Sendable {
    static let shared = PartialOutputs()
    private let lock = NSLock()
    private var parts: Set<String> = []

    /// Opens a writer for `output`, runs `body`, and finishes the file, or removes its `.part` if anything throws.
    /// The writer is opened under the lock, so an interruption sees its `.part` either not yet created or listed.
    func write(to output: String, opening open: () throws -> VideoWriter, _ body: (VideoWriter) throws -> Void) throws {
        let part = output + ".part"
        lock.lock()
        let writer: VideoWriter
        do {
            writer = try open()
        } catch {
            lock.unlock()
            throw error
        }
        if output != "-" { parts.insert(part) }
        lock.unlock()
        defer {
            lock.lock()
            parts.remove(part)
            lock.unlock()
        }
        do {
            try body(writer)
            try writer.finish()
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Removes every `.part`, says so in one line and exits 128 + the signal number (130 for SIGINT).
    func interrupt(signal signo: Int32) -> Never {
        // Held until the process is gone, so no writer opens a new `.part` after the removal.
        lock.lock()
        for part in parts { unlink(part) }
        StatusLine.shared.show(nil)
        let name = signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "signal \(signo)"
        Log.error("interrupted by \(name)" + (parts.isEmpty ? "" : "; partial output removed"))
        _exit(128 + signo)
    }
}
