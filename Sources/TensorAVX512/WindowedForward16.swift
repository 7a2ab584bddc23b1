/// `Tensor`'s windowed-attention forward kernel, 16 lanes wide. Call it only where the processor has AVX-512
/// (F, VL, BW, DQ): this target is compiled for it.
public enum WindowedForward16 {
    public static func run(
        _ items: Range<Int>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>,
        origins: UnsafePointer<Int32>, perBatchOrigins: Bool, nq: Int, nk: Int, d: Int, dv: Int,
        keyHeight: Int, keyWidth: Int, windowHeight: Int, windowWidth: Int, scale: Float
    ) {
        let windows = WindowGeometry(keyHeight: keyHeight, keyWidth: keyWidth, height: windowHeight, width: windowWidth)
        WindowedForwardKernel.run(items, q: q, k: k, v: v, out: out, logSumExp: logSumExp, origins: origins,
                                  perBatchOrigins: perBatchOrigins, nq: nq, nk: nk, d: d, dv: dv, windows: windows, scale: scale)
    }
}
