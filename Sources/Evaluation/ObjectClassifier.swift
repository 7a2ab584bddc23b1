import Foundation
import World

/// Names the colour and shape of a segmented object from its pixels: the colour is the nearest of the world's
/// object colours to the object's brighter pixels (stripes darken the rest), the shape the template that overlaps
/// the mask best when drawn at the mask's centre and area, over a few rotations.
public enum ObjectClassifier {
    public static func color(_ frame: ArraySlice<Float>, mask: [Bool], size s: Int) -> ObjectColor {
        let plane = s * s, base = frame.startIndex
        var pixels: [SIMD3<Float>] = []
        for p in mask.indices where mask[p] {
            pixels.append(SIMD3(frame[base + p], frame[base + plane + p], frame[base + 2 * plane + p]))
        }
        let bright = pixels.sorted { $0.sum() > $1.sum() }.prefix(max(1, pixels.count / 2))
        let mean = bright.reduce(SIMD3<Float>(), +) / Float(bright.count)
        return ObjectColor.allCases.min { a, b in
            let da = a.rgb - mean, db = b.rgb - mean
            return (da * da).sum() < (db * db).sum()
        }!
    }

    public static func shape(mask: [Bool], size s: Int) -> Shape {
        let area = Double(mask.filter { $0 }.count)
        let centre = Segmentation.centroid(mask, size: s)
        var best = (Shape.circle, -1.0)
        for shape in Shape.allCases {
            // The template's radius that gives the mask's area, found by bisection on the rendered area.
            var low = 0.5, high = Double(s)
            for _ in 0..<20 {
                let mid = (low + high) / 2
                if Double(template(shape, centre: centre, radius: mid, rotation: 0, size: s).filter { $0 }.count) < area { low = mid } else { high = mid }
            }
            for rotation in stride(from: -0.4, through: 0.4, by: 0.1) {
                let t = template(shape, centre: centre, radius: low, rotation: rotation, size: s)
                var inter = 0.0, union = 0.0
                for p in mask.indices {
                    if mask[p] && t[p] { inter += 1 }
                    if mask[p] || t[p] { union += 1 }
                }
                if union > 0 && inter / union > best.1 { best = (shape, inter / union) }
            }
        }
        return best.0
    }

    static func template(_ shape: Shape, centre: SIMD2<Double>, radius: Double, rotation: Double, size s: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: s * s)
        for y in 0..<s {
            for x in 0..<s {
                let d = SIMD2(Double(x) + 0.5, Double(y) + 0.5) - centre
                let local = SIMD2(d.x * cos(-rotation) - d.y * sin(-rotation), d.x * sin(-rotation) + d.y * cos(-rotation))
                out[y * s + x] = Renderer.distance(shape, local, radius: radius) < 0
            }
        }
        return out
    }
}
