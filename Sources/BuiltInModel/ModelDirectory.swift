import DiT
import Foundation
import Transfer

/// A model in the layout scripts/train_model.py exports (and the built-in model ships): config.json (diffusers'
/// WanTransformer3DModel config), model.safetensors (transformer and text-encoder weights), model.json
/// (vocabulary, text length, codec geometry, what the transformer predicts, the sampler's shift).
public struct ModelDirectory: Sendable {
    public struct Manifest: Codable, Sendable {
        public struct Codec: Codable, Sendable {
            public var size: Int, frames: Int, frameGroup: Int, pixelGroup: Int
            enum CodingKeys: String, CodingKey {
                case size, frames
                case frameGroup = "frame_group"
                case pixelGroup = "pixel_group"
            }
        }
        public var words: [String]
        public var maxWords: Int
        public var codec: Codec
        public var trainedSteps: Int?
        public var prediction: TransferModel.Prediction?
        public var minimumSigma: Double?
        public var samplingShift: Double?
        enum CodingKeys: String, CodingKey {
            case words, codec, prediction
            case maxWords = "max_words"
            case trainedSteps = "trained_steps"
            case minimumSigma = "min_sigma"
            case samplingShift = "sampling_shift"
        }
    }

    public let url: URL
    public let config: WanConfig
    public let manifest: Manifest

    public init(url: URL) throws {
        self.url = url
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError.notFound(url.path)
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("transformer").path) {
            throw ModelError.unsupported(url.path, "a Wan2.1 diffusers pipeline needs its VAE and umT5 text encoder, which this build does not include")
        }
        do {
            config = try WanConfig.load(from: url.appendingPathComponent("config.json"))
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url.appendingPathComponent("model.json")))
        } catch {
            throw ModelError.unreadable(url.path, "\(error)")
        }
    }

    /// The sampler's shift the manifest names, else the default for a model that names none.
    public var samplingShift: Double { manifest.samplingShift ?? TransferModel.defaultSamplingShift }

    /// The transformer, text encoder and codec, ready to run.
    public func load() throws -> TransferModel {
        do {
            let file = try SafeTensorsFile(path: url.appendingPathComponent("model.safetensors").path)
            let transformer = WanTransformer(config: config, weights: try WanWeights(file: file, config: config))
            let text = try WordTextEncoder(file: file, words: manifest.words, maxWords: manifest.maxWords)
            let c = manifest.codec
            let codec = PixelCodec(size: c.size, frames: c.frames, frameGroup: c.frameGroup, pixelGroup: c.pixelGroup)
            guard codec.channels == config.inChannels, codec.channels == config.outChannels else {
                throw ModelError.unreadable(url.path, "codec gives \(codec.channels) channels, the transformer takes \(config.inChannels)")
            }
            return TransferModel(transformer: transformer, textEncoder: text, codec: codec,
                                 prediction: manifest.prediction ?? .velocity, minimumSigma: manifest.minimumSigma ?? 0.05,
                                 samplingShift: samplingShift)
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError.unreadable(url.path, "\(error)")
        }
    }

    /// The model that ships inside the package.
    public static func builtIn() throws -> ModelDirectory {
        guard let url = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw ModelError.notFound("the built-in model's resources")
        }
        return try ModelDirectory(url: url)
    }
}

public enum ModelError: Error, CustomStringConvertible {
    case notFound(String)
    case unsupported(String, String)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case let .notFound(path): "\(path): no such model directory"
        case let .unsupported(path, why): "\(path): \(why)"
        case let .unreadable(path, why): "\(path): cannot load the model: \(why)"
        }
    }
}
