/// `Tensor`'s windowed-attention backward kernel, 16 lanes wide. Call it only where the processor has AVX-512
/// (F, VL, BW, DQ): this target is compiled for it.
public enum WindowedBackward16 {
    public static func run(
        _ items: Range<Int>, q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        upstream: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>, rowDots: UnsafePointer<Float>,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        origins: UnsafePointer<Int32>, perBatchOrigins: Bool, nq: Int, nk: Int, d: Int, dv dvWidth: Int,
        keyHeight: Int, keyWidth: Int, windowHeight: Int, windowWidth: Int, scale: Float
    ) {
        let windows = WindowGeometry(keyHeight: keyHeight, keyWidth: keyWidth, height: windowHeight, width: windowWidth)
        WindowedBackwardKernel.run(items, q: q, k: k, v: v, upstream: upstream, logSumExp: logSumExp, rowDots: rowDots,
                                   dq: dq, dk: dk, dv: dv, origins: origins, perBatchOrigins: perBatchOrigins,
                                   nq: nq, nk: nk, d: d, dv: dvWidth, windows: windows, scale: scale)
    }
}
