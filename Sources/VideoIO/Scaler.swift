import CFFmpeg

/// Owns a SwsContext that converts between decoded/encoded frames and float RGB planes. The context is rebuilt only
/// when the geometry, pixel format or colour description changes (a stream may change size mid-way).
final class Scaler {
    private var context: OpaquePointer?
    private var key: Key?

    private struct Key: Equatable {
        var srcWidth, srcHeight: Int32
        var srcFormat: AVPixelFormat
        var dstWidth, dstHeight: Int32
        var dstFormat: AVPixelFormat
        var yuvSpace: Int32
        var yuvFullRange: Bool
    }

    deinit { sws_freeContext(context) }

    /// Decoded frame → three float planes of `width`×`height`, values in [0, 1].
    func convert(_ frame: Frame, width: Int, height: Int,
                 r: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) throws {
        let f = frame.pointer.pointee
        let (format, jpegRange) = Scaler.unJPEG(AVPixelFormat(rawValue: f.format))
        let fullRange = jpegRange || f.color_range == AVCOL_RANGE_JPEG
        let key = Key(srcWidth: f.width, srcHeight: f.height, srcFormat: format,
                      dstWidth: Int32(width), dstHeight: Int32(height), dstFormat: AV_PIX_FMT_GBRPF32LE,
                      yuvSpace: Scaler.swsColorspace(f.colorspace, height: Int(f.height)), yuvFullRange: fullRange)
        try prepare(key, yuvIsSource: true)
        let ret = fvmt_sws_frame_to_rgbf(context, frame.pointer, r, g, b, Int32(width * MemoryLayout<Float>.size))
        if ret < 0 { throw VideoIOError.internalFailure("swscale failed: \(ffmpegReason(ret))") }
    }

    /// Three float planes → `frame` (already allocated in the encoder's size and pixel format), limited range, tagged
    /// with the colour space the frame carries.
    func convert(r: UnsafePointer<Float>, g: UnsafePointer<Float>, b: UnsafePointer<Float>, width: Int, height: Int,
                 into frame: Frame) throws {
        let f = frame.pointer.pointee
        let key = Key(srcWidth: Int32(width), srcHeight: Int32(height), srcFormat: AV_PIX_FMT_GBRPF32LE,
                      dstWidth: f.width, dstHeight: f.height, dstFormat: AVPixelFormat(rawValue: f.format),
                      yuvSpace: Scaler.swsColorspace(f.colorspace, height: Int(f.height)), yuvFullRange: false)
        try prepare(key, yuvIsSource: false)
        let ret = fvmt_sws_rgbf_to_frame(context, r, g, b, Int32(width * MemoryLayout<Float>.size), Int32(height),
                                         frame.pointer)
        if ret < 0 { throw VideoIOError.internalFailure("swscale failed: \(ffmpegReason(ret))") }
    }

    private func prepare(_ key: Key, yuvIsSource: Bool) throws {
        if key == self.key { return }
        sws_freeContext(context)
        context = sws_getContext(key.srcWidth, key.srcHeight, key.srcFormat, key.dstWidth, key.dstHeight,
                                 key.dstFormat, SWS_BICUBIC, nil, nil, nil)
        guard let context else {
            self.key = nil
            let src = pixelFormatName(key.srcFormat)
            let dst = pixelFormatName(key.dstFormat)
            throw VideoIOError.invalidOption("swscale cannot convert \(src) \(key.srcWidth)x\(key.srcHeight) to "
                + "\(dst) \(key.dstWidth)x\(key.dstHeight)")
        }
        let yuv = sws_getCoefficients(key.yuvSpace)
        let rgb = sws_getCoefficients(SWS_CS_DEFAULT)
        let yuvRange: Int32 = key.yuvFullRange ? 1 : 0
        // Neutral brightness/contrast/saturation in swscale's 16.16 fixed point.
        if yuvIsSource {
            sws_setColorspaceDetails(context, yuv, yuvRange, rgb, 1, 0, 1 << 16, 1 << 16)
        } else {
            sws_setColorspaceDetails(context, rgb, 1, yuv, yuvRange, 0, 1 << 16, 1 << 16)
        }
        self.key = key
    }

    /// The deprecated yuvj formats mean "yuv, full range"; swscale wants the range said separately.
    private static func unJPEG(_ format: AVPixelFormat) -> (AVPixelFormat, Bool) {
        switch format {
        case AV_PIX_FMT_YUVJ420P: return (AV_PIX_FMT_YUV420P, true)
        case AV_PIX_FMT_YUVJ422P: return (AV_PIX_FMT_YUV422P, true)
        case AV_PIX_FMT_YUVJ444P: return (AV_PIX_FMT_YUV444P, true)
        case AV_PIX_FMT_YUVJ440P: return (AV_PIX_FMT_YUV440P, true)
        case AV_PIX_FMT_YUVJ411P: return (AV_PIX_FMT_YUV411P, true)
        default: return (format, false)
        }
    }

    /// swscale's coefficient tables are indexed like AVColorSpace.
    static func swsColorspace(_ space: AVColorSpace, height: Int) -> Int32 {
        let known = space != AVCOL_SPC_UNSPECIFIED && space != AVCOL_SPC_RGB
            && space.rawValue <= AVCOL_SPC_BT2020_CL.rawValue
        return Int32((known ? space : assumedColorspace(height: height)).rawValue)
    }
}

/// The matrix players assume for an untagged stream, and the one we tag our output with: BT.709 from 720 lines up,
/// BT.601 below.
func assumedColorspace(height: Int) -> AVColorSpace {
    height >= 720 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M
}
