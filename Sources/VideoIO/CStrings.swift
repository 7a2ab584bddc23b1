import CFFmpeg

/// A C string FFmpeg may return as NULL.
func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

/// The text a C function wrote into a buffer we own.
func string(buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

func pixelFormatName(_ format: AVPixelFormat) -> String {
    string(av_get_pix_fmt_name(format)) ?? "none"
}
