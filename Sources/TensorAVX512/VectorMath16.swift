/// This target's `VectorMath.exp` and `log` (16 lanes; exp scales with `vscalefps`) behind calls that stay compiled
/// here, for tests that check them against libm. Call them only where the processor has AVX-512.
public enum VectorMath16 {
    public static func exp(_ x: Float) -> Float { VectorMath.exp(x) }
    public static func log(_ x: Float) -> Float { VectorMath.log(x) }
}
