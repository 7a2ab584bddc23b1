import Tensor

/// Between frames and the transformer's latent space: a VAE for Wan2.1's weights, a fixed pixel rearrangement for
/// the built-in model. Frames are [F, 3, H, W] RGB in [0, 1] at `frameSize`.
public protocol LatentCodec: Sendable {
    var frameSize: (width: Int, height: Int) { get }
    /// How many frames a clip of `frames` frames is cut to (codecs that group frames need whole groups).
    func usableFrames(_ frames: Int) -> Int
    /// The fewest frames that make two latent frames: motion needs something to move between.
    var minimumFrames: Int { get }
    func encode(_ video: Tensor) -> Tensor   // [F, 3, H, W] → [C, F', H', W']
    func decode(_ latents: Tensor) -> Tensor // [C, F', H', W'] → [F, 3, H, W]
}
