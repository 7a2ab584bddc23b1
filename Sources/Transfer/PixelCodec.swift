import Tensor

/// The built-in model's latent space: no VAE, just the pixels rearranged. Each block of `frameGroup` frames ×
/// `pixelGroup` × `pixelGroup` pixels becomes one latent position with 3·frameGroup·pixelGroup² channels, values
/// mapped from [0, 1] to [−1, 1]; channel = ((c·frameGroup + dt)·pixelGroup + dy)·pixelGroup + dx. The training
/// script (scripts/train_model.py) lays the channels out the same way.
public struct PixelCodec: LatentCodec {
    public let size: Int, frames: Int, frameGroup: Int, pixelGroup: Int

    public init(size: Int, frames: Int, frameGroup: Int, pixelGroup: Int) {
        precondition(size % pixelGroup == 0 && frames % frameGroup == 0, "\(size) px, \(frames) frames in groups of \(pixelGroup), \(frameGroup)")
        self.size = size
        self.frames = frames
        self.frameGroup = frameGroup
        self.pixelGroup = pixelGroup
    }

    public var frameSize: (width: Int, height: Int) { (size, size) }
    public var channels: Int { 3 * frameGroup * pixelGroup * pixelGroup }

    public func usableFrames(_ count: Int) -> Int { min(count, frames) / frameGroup * frameGroup }

    public var minimumFrames: Int { 2 * frameGroup }

    public func encode(_ video: Tensor) -> Tensor {
        let f = video.shape[0], g = pixelGroup, s = size / g
        precondition(video.shape == [f, 3, size, size] && f % frameGroup == 0, "video \(video.shape) for a \(size)px codec")
        let blocks = video.reshaped([f / frameGroup, frameGroup, 3, s, g, s, g])  // f' dt c y' dy x' dx
            .permuted([2, 1, 4, 6, 0, 3, 5]).contiguous()                       // c dt dy dx f' y' x'
            .reshaped([channels, f / frameGroup, s, s])
        return Elementwise.affine(blocks, scale: 2, shift: -1)
    }

    public func decode(_ latents: Tensor) -> Tensor {
        let fl = latents.shape[1], g = pixelGroup, s = size / g
        precondition(latents.shape == [channels, fl, s, s], "latents \(latents.shape) for a \(size)px codec")
        let pixels = latents.reshaped([3, frameGroup, g, g, fl, s, s])  // c dt dy dx f' y' x'
            .permuted([4, 1, 0, 5, 2, 6, 3]).contiguous()                // f' dt c y' dy x' dx
            .reshaped([fl * frameGroup, 3, size, size])
        return Elementwise.map(Elementwise.affine(pixels, scale: 0.5, shift: 0.5),
                               { $0.clamped(lowerBound: Vec(repeating: 0), upperBound: Vec(repeating: 1)) },
                               scalar: { min(max($0, 0), 1) })
    }
}
