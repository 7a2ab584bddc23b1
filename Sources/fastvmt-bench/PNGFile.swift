import VideoIO

/// Writes one planar RGB picture ([3, H, W], values in [0, 1]) as a PNG through FFmpeg's png encoder, so the
/// benchmarks need no image library of their own. `scale` enlarges it (swscale) for pictures drawn at pixel size.
enum PNGFile {
    static func write(planarRGB pixels: [Float], width: Int, height: Int, scale: Int = 1, to path: String) throws {
        precondition(pixels.count == 3 * width * height, "pixels must be [3, \(height), \(width)]")
        var options = WriterOptions()
        options.overwrite = true
        options.encoder.codec = "png"
        options.encoder.pixelFormat = "rgb24"
        options.format = "image2"
        let writer = try VideoWriter(path: path, size: PixelSize(width: scale * width, height: scale * height),
                                     frameRate: Rational(1, 1), options: options)
        try writer.write(RGBFrame(width: width, height: height, layout: .planar, pixels: pixels))
        try writer.finish()
    }
}
