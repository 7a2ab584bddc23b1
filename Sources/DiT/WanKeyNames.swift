/// The two names a Wan checkpoint's tensors go by: diffusers' (`blocks.0.attn1.to_q.weight`, the names this
/// package uses) and the original Wan2.1 release's (`blocks.0.self_attn.q.weight`).
public enum WanKeyNames {
    /// Original-name fragments and their diffusers equivalents, tried longest first so that `head.modulation`
    /// wins over `modulation`.
    static let renames: [(original: String, diffusers: String)] = [
        ("time_embedding.0.", "condition_embedder.time_embedder.linear_1."),
        ("time_embedding.2.", "condition_embedder.time_embedder.linear_2."),
        ("text_embedding.0.", "condition_embedder.text_embedder.linear_1."),
        ("text_embedding.2.", "condition_embedder.text_embedder.linear_2."),
        ("time_projection.1.", "condition_embedder.time_proj."),
        ("head.modulation", "scale_shift_table"),
        ("head.head.", "proj_out."),
        (".modulation", ".scale_shift_table"),
        (".self_attn.norm_q.", ".attn1.norm_q."),
        (".self_attn.norm_k.", ".attn1.norm_k."),
        (".self_attn.q.", ".attn1.to_q."),
        (".self_attn.k.", ".attn1.to_k."),
        (".self_attn.v.", ".attn1.to_v."),
        (".self_attn.o.", ".attn1.to_out.0."),
        (".cross_attn.norm_q.", ".attn2.norm_q."),
        (".cross_attn.norm_k.", ".attn2.norm_k."),
        (".cross_attn.q.", ".attn2.to_q."),
        (".cross_attn.k.", ".attn2.to_k."),
        (".cross_attn.v.", ".attn2.to_v."),
        (".cross_attn.o.", ".attn2.to_out.0."),
        (".ffn.0.", ".ffn.net.0.proj."),
        (".ffn.2.", ".ffn.net.2."),
        // The original calls the cross-attention norm norm3 (its blocks apply norm1, norm3, norm2); diffusers
        // renumbers them in order of use. Only the cross-attention norm has parameters.
        (".norm3.", ".norm2."),
    ]

    /// The diffusers name of an original-name key (keys already in diffusers form come back unchanged).
    public static func diffusersName(ofOriginal key: String) -> String {
        for (original, diffusers) in renames {
            if key.hasPrefix(original) { return diffusers + key.dropFirst(original.count) }
            if let range = key.range(of: original) { return key.replacingCharacters(in: range, with: diffusers) }
        }
        return key
    }

    /// Whether a checkpoint's names are the original release's.
    public static func usesOriginalNames(_ keys: some Sequence<String>) -> Bool {
        keys.contains { $0.contains(".self_attn.") || $0.hasPrefix("time_embedding.") || $0.hasPrefix("head.") }
    }
}
