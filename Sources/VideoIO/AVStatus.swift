import CFFmpeg

/// The outcome of a send/receive or read call: EAGAIN and EOF are ordinary answers, not errors.
enum AVStatus: Equatable {
    case ok
    /// The codec wants input before it can give output (or output drained before it takes input).
    case again
    case endOfStream
    case failure(Int32)

    init(_ code: Int32) {
        if code >= 0 {
            self = .ok
        } else if code == AVCodes.eagain {
            self = .again
        } else if code == AVCodes.eof {
            self = .endOfStream
        } else {
            self = .failure(code)
        }
    }
}

enum AVCodes {
    static let eagain = fvmt_averror_eagain()
    static let eof = fvmt_averror_eof()
    static let noPTS = fvmt_nopts_value()
    static let noMemory = fvmt_averror_enomem()
}
