import Tensor

/// Classifier-free guidance as Wan's pipeline applies it to the two velocity predictions.
public enum ClassifierFreeGuidance {
    /// uncond + scale · (cond − uncond); a scale of 1 is the conditional prediction alone.
    public static func combine(unconditional: Tensor, conditional: Tensor, scale: Float) -> Tensor {
        if scale == 1 { return conditional }
        return Elementwise.add(unconditional, Elementwise.affine(Elementwise.subtract(conditional, unconditional), scale: scale))
    }
}
