import DiT
import Foundation
import Tensor
import Transfer

/// A random-weight Wan transformer with a word-hashing text encoder and a 2×2 space-to-depth codec: the whole
/// pipeline at a size a test runs in a fraction of a second. Nothing here is trained; the tests check mechanics.
enum TinyModel {
    static let config = WanConfig(numAttentionHeads: 2, attentionHeadDim: 12, inChannels: 12, outChannels: 12, textDim: 8,
                                  freqDim: 16, ffnDim: 32, numLayers: 3)

    static func make(seed: UInt64 = 1) -> TransferModel {
        var noise = SeededNoise(seed: seed)
        let weights = try! WanWeights(config: config) { name, shape in
            let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
            let values = noise.normal(shape)
            if name.contains("norm") { return Elementwise.affine(values, scale: 0.1, shift: 1) }
            return Elementwise.affine(values, scale: name.hasSuffix(".bias") || name.contains("scale_shift") ? 0.05 : 1 / Float(fanIn).squareRoot())
        }
        return TransferModel(transformer: WanTransformer(config: config, weights: weights), textEncoder: HashingEncoder(), codec: SpaceToDepth())
    }

    /// A 16×16 clip of `frames` frames: a bright square moving right by `speed` pixels a frame on a dark ground.
    static func movingSquare(frames: Int, speed: Int = 2) -> Tensor {
        var values = [Float](repeating: 0.1, count: frames * 3 * 16 * 16)
        for f in 0..<frames {
            for c in 0..<3 {
                for y in 5..<10 {
                    for x in (2 + speed * f)..<min(16, 7 + speed * f) {
                        values[((f * 3 + c) * 16 + y) * 16 + x] = c == 0 ? 0.9 : 0.5
                    }
                }
            }
        }
        return Tensor(shape: [frames, 3, 16, 16], scalars: values)
    }
}

/// Each word maps to a fixed pseudo-random vector; the empty prompt is one zero token.
struct HashingEncoder: TextEncoder {
    let textDim = 8

    func encode(_ prompt: String) -> (states: Tensor, unknownWords: [String]) {
        let words = prompt.split(separator: " ")
        guard !words.isEmpty else { return (Tensor(zeros: [1, textDim]), []) }
        var values: [Float] = []
        for word in words {
            var noise = SeededNoise(seed: word.utf8.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
            values += noise.normal([textDim]).scalars
        }
        return (Tensor(shape: [words.count, textDim], scalars: values), [])
    }
}

/// [F, 3, 16, 16] ↔ [12, F, 8, 8]: each 2×2 pixel block becomes 12 channels, scaled to about unit variance.
struct SpaceToDepth: LatentCodec {
    let frameSize = (width: 16, height: 16)

    func usableFrames(_ frames: Int) -> Int { frames }

    let minimumFrames = 2

    func encode(_ video: Tensor) -> Tensor {
        let f = video.shape[0]
        return Elementwise.affine(video.reshaped([f, 3, 8, 2, 8, 2]).permuted([1, 3, 5, 0, 2, 4]).contiguous().reshaped([12, f, 8, 8]),
                                  scale: 4, shift: -2)
    }

    func decode(_ latents: Tensor) -> Tensor {
        let f = latents.shape[1]
        return Elementwise.affine(latents.reshaped([3, 2, 2, f, 8, 8]).permuted([3, 0, 4, 1, 5, 2]).contiguous().reshaped([f, 3, 16, 16]),
                                  scale: 0.25, shift: 0.5)
    }
}
