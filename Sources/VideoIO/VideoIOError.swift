import CFFmpeg
import Foundation

/// Why a video could not be read or written. Every case renders as one line that names the file.
public enum VideoIOError: Error, CustomStringConvertible, Sendable {
    /// The input is missing, unreadable, not a video, or damaged.
    case input(path: String, reason: String)
    /// The output cannot be created or written (exists, unwritable, unknown container).
    case output(path: String, reason: String)
    /// An option value is not usable (unknown codec or pixel format, a size the codec rejects).
    case invalidOption(String)
    /// FFmpeg failed in a way the user's input does not explain.
    case internalFailure(String)

    public var description: String {
        switch self {
        case .input(let path, let reason), .output(let path, let reason):
            return "\(displayName(path)): \(reason)"
        case .invalidOption(let message), .internalFailure(let message):
            return message
        }
    }

    /// True when the user can fix the cause (exit status 1 in the CLI); false for internal failures (exit status 2).
    public var isUserError: Bool {
        if case .internalFailure = self { return false }
        return true
    }
}

func displayName(_ path: String) -> String {
    path == "-" ? "pipe" : path
}

/// FFmpeg's text for an error code, followed by the last error line FFmpeg logged on this thread when it adds detail
/// ("Invalid data found when processing input (moov atom not found)").
func ffmpegReason(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    fvmt_err2str(code, &buffer, buffer.count)
    let text = string(buffer: buffer)
    guard let detail = takeLoggedError(), detail != text else { return text }
    return "\(text) (\(detail))"
}

/// Reads the last error line FFmpeg logged on this thread, clearing it, so stale lines never leak into a later message.
func takeLoggedError() -> String? {
    var logged = [CChar](repeating: 0, count: 512)
    fvmt_log_take_last_error(&logged, logged.count)
    let detail = string(buffer: logged).trimmingCharacters(in: .whitespacesAndNewlines)
    return detail.isEmpty ? nil : detail
}
