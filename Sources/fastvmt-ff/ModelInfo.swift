import BuiltInModel
import DiT

/// `--model-info`: what the model is, and every word its text encoder knows.
enum ModelInfo {
    static func describe(_ directory: ModelDirectory) throws -> String {
        let c = directory.config, m = directory.manifest
        return """
            model: \(directory.url.path)
            transformer: Wan2.1 architecture, \(c.numLayers) blocks, dim \(c.dim) (\(c.numAttentionHeads) heads × \(c.attentionHeadDim)), \
            ffn \(c.ffnDim), patch \(c.patchSize.map(String.init).joined(separator: "×")), \(c.parameterCount) parameters
            frames: \(m.codec.frames) at \(m.codec.size)×\(m.codec.size) (each \(m.codec.frameGroup) frames × \(m.codec.pixelGroup)×\(m.codec.pixelGroup) \
            pixels is one latent position)
            text: up to \(m.maxWords) words; trained for \(m.trainedSteps.map(String.init) ?? "?") steps
            sampling shift: \(directory.samplingShift) (where the preset leaves it to the model)
            vocabulary (\(m.words.count) words): \(m.words.joined(separator: " "))
            """
    }
}
