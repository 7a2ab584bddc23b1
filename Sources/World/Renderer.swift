#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws a scene: frames [F, 3, S, S] RGB in [0, 1] (planar, frame-major, as the codecs take them) and, per object
/// and frame, the share of each pixel that object covers where it is visible (in front of everything under it).
public enum Renderer {
    public struct Clip: Sendable {
        public let scene: Scene
        public let pixels: [Float]             // F · 3 · S · S
        public let coverage: [[Float]]         // [object][F · S · S]

        /// Visible pixel-weighted centre (x, y) of `object` in `frame`, nil where it is fully hidden or out of view.
        public func visibleCentroid(object: Int, frame: Int) -> SIMD2<Double>? {
            let s = scene.size
            var total = 0.0, x = 0.0, y = 0.0
            for py in 0..<s {
                for px in 0..<s {
                    let w = Double(coverage[object][(frame * s + py) * s + px])
                    total += w
                    x += w * (Double(px) + 0.5)
                    y += w * (Double(py) + 0.5)
                }
            }
            return total > 1 ? SIMD2(x / total, y / total) : nil
        }
    }

    public static func render(_ scene: Scene) -> Clip {
        let s = scene.size, plane = s * s, objects = scene.objects.count
        var pixels = [Float](repeating: 0, count: scene.frames * 3 * plane)
        // One flat buffer, [object][F · S · S], split per object at the end: nested arrays cost a retain and a
        // uniqueness check per pixel written, which took most of the render's time.
        var covered = [Float](repeating: 0, count: objects * scene.frames * plane)
        let rotations = scene.objects.map { (cos: cos(-$0.rotation), sin: sin(-$0.rotation)) }
        let tones = backgroundTones(scene)
        pixels.withUnsafeMutableBufferPointer { pixels in
        covered.withUnsafeMutableBufferPointer { covered in
            for f in 0..<scene.frames {
                let camera = scene.pan * Double(f)
                let placed = scene.objects.indices.map { i in
                    let object = scene.objects[i]
                    return Placed(centre: object.centres[f], radius: object.radii[f], rotation: rotations[i], shape: object.shape,
                                  striped: object.texture == .striped, rgb: object.color.rgb)
                }
                for py in 0..<s {
                    for px in 0..<s {
                        // Pixel centre in world coordinates (the camera moved by `camera`).
                        let world = SIMD2(Double(px) + 0.5, Double(py) + 0.5) + camera
                        var color = background(scene, tones, at: world)
                        let pixel = f * plane + py * s + px
                        for (index, object) in placed.enumerated() {
                            let local = rotate(world - object.centre, cos: object.rotation.cos, sin: object.rotation.sin)
                            let alpha = Float(min(max(0.5 - distance(object.shape, local, radius: object.radius), 0), 1))
                            guard alpha > 0 else { continue }
                            var fill = object.rgb
                            if object.striped && Int(floor((local.x + local.y) / 3)) % 2 != 0 { fill *= 0.55 }
                            color = color * (1 - alpha) + fill * alpha
                            // What is in front of this object hides it.
                            for below in 0..<index { covered[below * scene.frames * plane + pixel] *= 1 - alpha }
                            covered[index * scene.frames * plane + pixel] = alpha
                        }
                        for c in 0..<3 { pixels[(f * 3 + c) * plane + py * s + px] = color[c] }
                    }
                }
            }
        } }
        let coverage = (0..<objects).map { Array(covered[($0 * scene.frames * plane)..<(($0 + 1) * scene.frames * plane)]) }
        return Clip(scene: scene, pixels: pixels, coverage: coverage)
    }

    /// An object in one frame, with nothing in it to retain in the pixel loop.
    private struct Placed {
        let centre: SIMD2<Double>, radius: Double
        let rotation: (cos: Double, sin: Double)
        let shape: Shape
        let striped: Bool
        let rgb: SIMD3<Float>
    }

    /// The background's two tones: its colour, and the lighter one its pattern alternates with.
    private static func backgroundTones(_ scene: Scene) -> (base: SIMD3<Float>, light: SIMD3<Float>) {
        let base = scene.background.rgb
        return (base, pointwiseMin(base * 1.6 + SIMD3(repeating: 0.12), SIMD3(repeating: 1)))
    }

    private static func background(_ scene: Scene, _ tones: (base: SIMD3<Float>, light: SIMD3<Float>),
                                   at p: SIMD2<Double>) -> SIMD3<Float> {
        let (base, light) = tones
        switch scene.pattern {
        case .plain: return base
        case .striped: return Int(floor(p.y / 6)).isMultiple(of: 2) ? base : light
        case .checkered: return (Int(floor(p.x / 8)) + Int(floor(p.y / 8))).isMultiple(of: 2) ? base : light
        case .dotted:
            let cell = SIMD2(p.x.truncatingRemainder(dividingBy: 8), p.y.truncatingRemainder(dividingBy: 8))
            let d = SIMD2(cell.x < 0 ? cell.x + 8 : cell.x, cell.y < 0 ? cell.y + 8 : cell.y) - SIMD2(4, 4)
            return (d * d).sum() < 2.5 ? light : base
        case .gradient:
            let t = Float(min(max(p.y / Double(scene.size), 0), 1))
            return base * (1 - t) + light * t
        }
    }

    /// v rotated by the angle whose cosine and sine are given.
    private static func rotate(_ v: SIMD2<Double>, cos c: Double, sin s: Double) -> SIMD2<Double> {
        SIMD2(v.x * c - v.y * s, v.x * s + v.y * c)
    }

    /// The triangle's three edge normals (cos, sin of π/2 + 2πk/3), computed once rather than per pixel.
    private static let triangleNormals: [(Double, Double)] = (0..<3).map { k in
        let angle = Double.pi / 2 + 2 * Double.pi * Double(k) / 3
        return (cos(angle), sin(angle))
    }

    /// Signed distance (pixels) from `p` (relative to the centre) to the shape's edge: negative inside.
    public static func distance(_ shape: Shape, _ p: SIMD2<Double>, radius r: Double) -> Double {
        let a = SIMD2(abs(p.x), abs(p.y))
        switch shape {
        case .circle:
            return (p * p).sum().squareRoot() - r
        case .square:
            return box(a, SIMD2(repeating: r * 0.85))
        case .diamond:
            return (a.x + a.y - r * 1.15) / 2.0.squareRoot()
        case .cross:
            return min(box(a, SIMD2(r, r * 0.36)), box(a, SIMD2(r * 0.36, r)))
        case .triangle:
            // Equilateral, pointing up (y grows downwards), circumradius 1.2·r: the largest of the three edge
            // half-plane distances, exact inside and close enough outside for a one-pixel soft edge.
            let circumradius = r * 1.2
            var worst = -Double.infinity
            for (c, s) in triangleNormals { worst = max(worst, p.x * c + p.y * s) }
            return worst - circumradius / 2
        }
    }

    private static func box(_ a: SIMD2<Double>, _ half: SIMD2<Double>) -> Double {
        let d = a - half
        let outside = SIMD2(max(d.x, 0), max(d.y, 0))
        return (outside * outside).sum().squareRoot() + min(max(d.x, d.y), 0)
    }
}
