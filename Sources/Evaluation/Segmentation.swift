/// Finds the object in a frame from its pixels alone (no model, no scene description): the background's colours are
/// estimated from the frame's border, pixels far from all of them are foreground, and the largest 4-connected
/// foreground region is the object.
public enum Segmentation {
    /// A frame [3, S, S] (planar RGB in [0, 1]) → a mask of the object (S·S, true inside), or nil when nothing
    /// stands out from the background.
    public static func largestObject(_ frame: ArraySlice<Float>, size s: Int, threshold: Float = 0.25, minimumArea: Int = 6) -> [Bool]? {
        let plane = s * s
        let base = frame.startIndex
        func pixel(_ p: Int) -> SIMD3<Float> { SIMD3(frame[base + p], frame[base + plane + p], frame[base + 2 * plane + p]) }
        var border: [SIMD3<Float>] = []
        for i in 0..<s {
            border += [pixel(i), pixel((s - 1) * s + i), pixel(i * s), pixel(i * s + s - 1)]
        }
        // The background's tones, from the border: patterned and graded backgrounds have several. Greedy clusters
        // of nearby colours; a tone needs 3 % of the border to count (an object touching the edge is not one).
        var tones: [(colour: SIMD3<Float>, count: Int)] = []
        for colour in border {
            if let i = tones.firstIndex(where: { let d = $0.colour - colour; return (d * d).sum() < 0.01 }) {
                tones[i].count += 1
            } else {
                tones.append((colour, 1))
            }
        }
        let background = tones.filter { $0.count * 100 >= border.count * 3 }.map(\.colour)
        var foreground = [Bool](repeating: false, count: plane)
        for p in 0..<plane {
            let c = pixel(p)
            let nearest = background.map { let d = c - $0; return (d * d).sum() }.min() ?? .infinity
            foreground[p] = nearest.squareRoot() > threshold
        }
        // Closing (dilate, then erode, twice over a 3×3 square) joins an object's stripes, whose dark half can be
        // as dark as the background, back into one region.
        for _ in 0..<2 { foreground = morph(foreground, s, dilate: true) }
        for _ in 0..<2 { foreground = morph(foreground, s, dilate: false) }
        var label = [Int](repeating: -1, count: plane)
        var best: [Int] = []
        for start in 0..<plane where foreground[start] && label[start] < 0 {
            var region = [start], stack = [start]
            label[start] = start
            while let p = stack.popLast() {
                let y = p / s, x = p % s
                for (ny, nx) in [(y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)] where ny >= 0 && ny < s && nx >= 0 && nx < s {
                    let q = ny * s + nx
                    if foreground[q] && label[q] < 0 {
                        label[q] = start
                        region.append(q)
                        stack.append(q)
                    }
                }
            }
            if region.count > best.count { best = region }
        }
        guard best.count >= minimumArea else { return nil }
        var mask = [Bool](repeating: false, count: plane)
        for p in best { mask[p] = true }
        return mask
    }

    /// One 3×3 dilation or erosion (outside the frame counts as background for dilation, as foreground for erosion,
    /// so an object at the edge is not eaten away).
    static func morph(_ mask: [Bool], _ s: Int, dilate: Bool) -> [Bool] {
        var out = mask
        for y in 0..<s {
            for x in 0..<s {
                var any = false, all = true
                for dy in -1...1 {
                    for dx in -1...1 {
                        let ny = y + dy, nx = x + dx
                        let v = ny >= 0 && ny < s && nx >= 0 && nx < s ? mask[ny * s + nx] : !dilate
                        any = any || v
                        all = all && v
                    }
                }
                out[y * s + x] = dilate ? any : all
            }
        }
        return out
    }

    /// Centre (x, y) in pixels of a mask (pixel centres at +0.5).
    public static func centroid(_ mask: [Bool], size s: Int) -> SIMD2<Double> {
        var x = 0.0, y = 0.0, n = 0.0
        for p in mask.indices where mask[p] {
            x += Double(p % s) + 0.5
            y += Double(p / s) + 0.5
            n += 1
        }
        return SIMD2(x / n, y / n)
    }
}
