import Foundation
import Tensor

/// The built-in model's text encoder: lower-cased words looked up in a fixed vocabulary, each a learned
/// embedding plus a learned embedding of its position, zero-padded to `maxWords` rows (the empty prompt is all
/// zeros, the unconditional input classifier-free guidance needs). Trained with the transformer by
/// scripts/train_model.py.
public struct WordTextEncoder: TextEncoder {
    public let words: [String]
    public let maxWords: Int
    private let index: [String: Int]
    private let tokenEmbedding: Tensor     // [V, D]
    private let positionEmbedding: Tensor  // [maxWords, D]

    public var textDim: Int { tokenEmbedding.shape[1] }

    public init(words: [String], maxWords: Int, tokenEmbedding: Tensor, positionEmbedding: Tensor) {
        precondition(tokenEmbedding.shape.first == words.count && positionEmbedding.shape == [maxWords, tokenEmbedding.shape[1]],
                     "embeddings \(tokenEmbedding.shape), \(positionEmbedding.shape) for \(words.count) words, \(maxWords) positions")
        self.words = words
        self.maxWords = maxWords
        index = Dictionary(words.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        self.tokenEmbedding = tokenEmbedding
        self.positionEmbedding = positionEmbedding
    }

    /// From `text_encoder.token_embedding.weight` and `text_encoder.position_embedding.weight` in `file`.
    public init(file: SafeTensorsFile, words: [String], maxWords: Int) throws {
        let tokens = try file.tensor("text_encoder.token_embedding.weight")
        guard tokens.rank == 2, tokens.shape[0] == words.count else {
            throw SafeTensorsError.shapeMismatch(name: "text_encoder.token_embedding.weight", expected: [words.count, -1], found: tokens.shape)
        }
        let positions = try file.tensor("text_encoder.position_embedding.weight", shape: [maxWords, tokens.shape[1]])
        self.init(words: words, maxWords: maxWords, tokenEmbedding: tokens, positionEmbedding: positions)
    }

    /// Words as the encoder sees them: lower case, split at anything that is not a letter.
    public static func split(_ prompt: String) -> [String] {
        prompt.lowercased().split { !$0.isLetter }.map(String.init)
    }

    public func encode(_ prompt: String) -> (states: Tensor, unknownWords: [String]) {
        var ids: [Int] = [], unknown: [String] = []
        for word in Self.split(prompt) {
            if let id = index[word] { ids.append(id) } else { unknown.append(word) }
        }
        let d = textDim
        var out = Tensor(zeros: [maxWords, d])
        tokenEmbedding.withUnsafeBufferPointer { tokens in
            positionEmbedding.withUnsafeBufferPointer { positions in
                out.withUnsafeMutableBufferPointer { rows in
                    for (position, id) in ids.prefix(maxWords).enumerated() {
                        for c in 0..<d { rows[position * d + c] = tokens[id * d + c] + positions[position * d + c] }
                    }
                }
            }
        }
        return (out, unknown)
    }
}
