/// How the three colour channels of an `RGBFrame` are laid out in `pixels`.
public enum PixelLayout: String, Sendable {
    /// [3, H, W]: all of R, then G, then B (what the model's patchify wants).
    case planar
    /// [H, W, 3]: R, G, B interleaved per pixel.
    case packed
}

/// One video frame as Float32 RGB in [0, 1].
public struct RGBFrame: Sendable {
    public var width: Int
    public var height: Int
    public var layout: PixelLayout
    public var pixels: [Float]
    /// Position in the constant-rate output sequence (0, 1, 2, …).
    public var index: Int
    /// Presentation time in seconds from the start of the output.
    public var time: Double

    public init(width: Int, height: Int, layout: PixelLayout, pixels: [Float], index: Int = 0, time: Double = 0) {
        precondition(pixels.count == 3 * width * height, "RGBFrame: \(pixels.count) values for \(width)x\(height)x3")
        self.width = width
        self.height = height
        self.layout = layout
        self.pixels = pixels
        self.index = index
        self.time = time
    }

    /// The same image in the other layout.
    public func converted(to target: PixelLayout) -> RGBFrame {
        if target == layout { return self }
        var out = self
        out.layout = target
        let plane = width * height
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                if target == .packed {
                    for p in 0..<plane {  // [3, H, W] -> [H, W, 3]
                        dst[3 * p] = src[p]
                        dst[3 * p + 1] = src[plane + p]
                        dst[3 * p + 2] = src[2 * plane + p]
                    }
                } else {
                    for p in 0..<plane {  // [H, W, 3] -> [3, H, W]
                        dst[p] = src[3 * p]
                        dst[plane + p] = src[3 * p + 1]
                        dst[2 * plane + p] = src[3 * p + 2]
                    }
                }
            }
        }
        return out
    }
}
