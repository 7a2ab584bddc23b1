/// A clip as the motion metrics see it: gray frames, row-major, intensities in [0, 1]. Motion needs no colour, and
/// OpenCV's tracker (which scripts/eval_motion.py calls as the cross-check) takes gray frames too.
public struct GrayVideo: Sendable {
    public let width: Int
    public let height: Int
    public let frames: [[Float]]                  // [F][H · W]

    public init(width: Int, height: Int, frames: [[Float]]) {
        precondition(frames.allSatisfy { $0.count == width * height }, "every frame must hold width · height pixels")
        self.width = width
        self.height = height
        self.frames = frames
    }

    /// From planar RGB frames [F, 3, H, W] in [0, 1] (the renderer's and the codecs' layout), with the BT.601 luma
    /// weights OpenCV's BGR2GRAY uses, so both sides of the cross-check see the same gray.
    public init(planarRGB pixels: [Float], frames: Int, width: Int, height: Int) {
        let plane = width * height
        precondition(pixels.count == frames * 3 * plane, "pixels must be [frames, 3, height, width]")
        var gray: [[Float]] = []
        for f in 0..<frames {
            let r = f * 3 * plane, g = r + plane, b = g + plane
            gray.append((0..<plane).map { 0.299 * pixels[r + $0] + 0.587 * pixels[g + $0] + 0.114 * pixels[b + $0] })
        }
        self.init(width: width, height: height, frames: gray)
    }
}
