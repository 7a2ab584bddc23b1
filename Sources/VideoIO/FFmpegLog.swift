import CFFmpeg

/// How much of FFmpeg's own logging reaches stderr. Error lines are always kept (not printed) for error messages.
public enum FFmpegLogLevel: Sendable {
    case quiet, error, warning, info, verbose, debug

    var avLevel: Int32 {
        switch self {
        case .quiet: return AV_LOG_QUIET
        case .error: return AV_LOG_ERROR
        case .warning: return AV_LOG_WARNING
        case .info: return AV_LOG_INFO
        case .verbose: return AV_LOG_VERBOSE
        case .debug: return AV_LOG_DEBUG
        }
    }
}

public enum FFmpegLog {
    /// Routes FFmpeg's log through the shim; call once at start-up, before any other VideoIO call.
    public static func install(level: FFmpegLogLevel) {
        fvmt_log_install(level.avLevel)
    }

    /// Called by every VideoIO entry point; a no-op after `install` or the first call.
    static func installDefault() {
        fvmt_log_install_default()
    }
}
