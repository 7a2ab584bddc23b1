import Tensor

/// Turns a prompt into the text states the transformer's cross-attention reads ([L, text_dim]). The built-in model
/// ships its own small encoder; a Wan2.1 directory would bring umT5.
public protocol TextEncoder: Sendable {
    var textDim: Int { get }
    /// The states, and the words of the prompt the encoder does not know (they are left out).
    func encode(_ prompt: String) -> (states: Tensor, unknownWords: [String])
}
