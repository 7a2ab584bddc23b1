import Foundation
import Testing
import Tensor

@Suite struct RoPETests {
    /// Wan's rope_apply written out: complex channel c of a head belongs to time (first d/2 − 2⌊d/6⌋ channels), then
    /// height, then width (⌊d/6⌋ each); its angle is position · 10000^(−2i / axis width) with i the index within the axis.
    func referenceRoPE(_ x: [Double], grid: (Int, Int, Int), heads: Int, d: Int) -> [Double] {
        let half = d / 2, spatial = d / 6, temporal = half - 2 * spatial
        var y = x
        for f in 0..<grid.0 { for r in 0..<grid.1 { for c in 0..<grid.2 {
            let token = (f * grid.1 + r) * grid.2 + c
            for h in 0..<heads {
                for channel in 0..<half {
                    let (position, index, width): (Int, Int, Int) =
                        channel < temporal ? (f, channel, 2 * temporal)
                        : channel < temporal + spatial ? (r, channel - temporal, 2 * spatial)
                        : (c, channel - temporal - spatial, 2 * spatial)
                    let angle = Double(position) * pow(10_000, -Double(2 * index) / Double(width))
                    let base = (token * heads + h) * d + 2 * channel
                    let re = x[base], im = x[base + 1]
                    y[base] = re * cos(angle) - im * sin(angle)
                    y[base + 1] = re * sin(angle) + im * cos(angle)
                }
            }
        } } }
        return y
    }

    @Test(arguments: [12, 16])
    func rotary3D(headDim: Int) {
        var random = SeededRandom(seed: 40)
        let grid = (2, 3, 4), heads = 2
        let x = random.tensor([grid.0 * grid.1 * grid.2, heads, headDim])
        let (cos, sin) = RoPE.tables3D(frames: grid.0, height: grid.1, width: grid.2, headDim: headDim)
        checkOp("rope d=\(headDim)", inputs: [x]) { referenceRoPE($0[0], grid: grid, heads: heads, d: headDim) } op: {
            $0[0].rotary(cos: cos, sin: sin)
        }
    }
}
