#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One object of a scene and how it moves: its centre (x, y in pixels) and radius per frame.
public struct SceneObject: Codable, Sendable {
    public var shape: Shape
    public var color: ObjectColor
    public var texture: ObjectTexture
    public var trajectory: Trajectory
    public var centres: [SIMD2<Double>]
    public var radii: [Double]
    public var rotation: Double
}

/// A clip of the world: objects (drawn in order, later ones in front) over a background, the camera panning by
/// `pan` pixels a frame.
public struct Scene: Codable, Sendable {
    public var size: Int
    public var frames: Int
    public var background: BackgroundColor
    public var pattern: BackgroundPattern
    public var pan: SIMD2<Double>
    public var objects: [SceneObject]

    /// "a red circle and a striped blue square on a checkered gray background".
    public var caption: String {
        func article(_ phrase: String) -> String { ("aeiou".contains(phrase.first!) ? "an " : "a ") + phrase }
        let names = objects.map { article(($0.texture == .plain ? "" : $0.texture.rawValue + " ") + "\($0.color.rawValue) \($0.shape.rawValue)") }
        let ground = (pattern == .plain ? "" : pattern.rawValue + " ") + background.rawValue
        return "\(names.joined(separator: " and ")) on \(article(ground)) background"
    }

    /// Where each object's centre is seen in each frame (its own motion plus the camera's): [object][frame].
    public var visibleCentres: [[SIMD2<Double>]] {
        objects.map { object in object.centres.enumerated().map { $0.element - pan * Double($0.offset) } }
    }

    /// A random scene from `seed`; the same seed always gives the same scene.
    public static func random(seed: UInt64, size: Int = 64, frames: Int = 16, maxObjects: Int = 3) -> Scene {
        var r = WorldRandom(seed: seed)
        let count = r.int(1...maxObjects)
        var colors = ObjectColor.allCases, shapes = Shape.allCases
        var objects: [SceneObject] = []
        let s = Double(size)
        for _ in 0..<count {
            // Distinct colours within a scene, so a caption's colour names one object.
            let color = colors.remove(at: r.int(0...(colors.count - 1)))
            let shape = count > 1 && r.chance(0.7) ? shapes.remove(at: r.int(0...(shapes.count - 1))) : r.pick(shapes)
            let radius = r.uniform(0.12, 0.2) * s / (count > 2 ? 1.2 : 1)
            let trajectory = r.pick([Trajectory.linear, .linear, .arc, .bounce, .zoom, .still])
            let margin = radius + 2
            var centres: [SIMD2<Double>] = [], radii: [Double] = []
            let start = SIMD2(r.uniform(margin, s - margin), r.uniform(margin, s - margin))
            switch trajectory {
            case .linear:
                let end = SIMD2(r.uniform(margin, s - margin), r.uniform(margin, s - margin))
                for f in 0..<frames { centres.append(start + (end - start) * Double(f) / Double(frames - 1)) }
            case .arc:
                let centre = SIMD2(s / 2 + r.uniform(-0.1, 0.1) * s, s / 2 + r.uniform(-0.1, 0.1) * s)
                let arcRadius = r.uniform(0.15, 0.3) * s, phase = r.uniform(0, 2 * .pi)
                let sweep = r.uniform(0.6, 1.6) * .pi * (r.chance(0.5) ? 1 : -1)
                for f in 0..<frames {
                    let angle = phase + sweep * Double(f) / Double(frames - 1)
                    centres.append(centre + arcRadius * SIMD2(cos(angle), sin(angle)))
                }
            case .bounce:
                var p = start
                var v = SIMD2(r.uniform(2, 4.5) * (r.chance(0.5) ? 1 : -1), r.uniform(2, 4.5) * (r.chance(0.5) ? 1 : -1))
                for _ in 0..<frames {
                    centres.append(p)
                    p += v
                    for axis in 0..<2 where p[axis] < margin || p[axis] > s - margin {
                        v[axis] = -v[axis]
                        p[axis] = min(max(p[axis], margin), s - margin)
                    }
                }
            case .zoom, .still:
                let drift = SIMD2(r.uniform(-0.5, 0.5), r.uniform(-0.5, 0.5))
                for f in 0..<frames { centres.append(start + drift * Double(f)) }
            }
            let growth = trajectory == .zoom ? r.uniform(-0.45, 0.8) : 0
            for f in 0..<frames { radii.append(radius * (1 + growth * Double(f) / Double(frames - 1))) }
            objects.append(SceneObject(shape: shape, color: color, texture: r.chance(0.25) ? .striped : .plain,
                                       trajectory: trajectory, centres: centres, radii: radii, rotation: r.uniform(-0.3, 0.3)))
        }
        let pan = r.chance(0.2) ? SIMD2(r.uniform(-1.5, 1.5), r.uniform(-1, 1)) : SIMD2(0, 0)
        return Scene(size: size, frames: frames, background: r.pick(BackgroundColor.allCases),
                     pattern: r.pick(BackgroundPattern.allCases), pan: pan, objects: objects)
    }
}
