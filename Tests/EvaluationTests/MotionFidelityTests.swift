import Evaluation
import Foundation
import Testing
@testable import World

/// The motion metrics on clips whose motion is known: analytic textures shifted by a set amount, and scenes of the
/// world with a chosen camera pan and object path.
struct MotionFidelityTests {
    /// A smooth texture (four plane waves, wavelengths 12–30 px), in [0.1, 0.9].
    static func texture(_ x: Float, _ y: Float) -> Float {
        0.5 + 0.1 * (sin(0.31 * x + 0.12 * y + 1) + sin(-0.09 * x + 0.27 * y + 2) + sin(0.19 * x - 0.21 * y + 0.3) + sin(0.45 * x + 0.35 * y))
    }

    /// [S · S]: the texture moved by `shift`, sampled exactly (no resampling error to blame on the tracker).
    static func shifted(_ shift: SIMD2<Float>, size: Int) -> [Float] {
        (0..<(size * size)).map { texture(Float($0 % size) - shift.x, Float($0 / size) - shift.y) }
    }

    /// One object (a striped red square, or a plain yellow circle for `otherLook`) crossing a patterned background
    /// by `move` pixels while the camera pans `pan` pixels a frame. Whole-pixel pans only: the renderer samples the
    /// background at pixel centres without antialiasing, so a fractional pan moves it in uneven one-pixel jumps whose
    /// timing depends on the pattern, which would be a real difference in motion between two looks.
    static func clip(pan: SIMD2<Double>, move: SIMD2<Double>, otherLook: Bool = false, frames: Int = 16) -> GrayVideo {
        var scene = Scene.random(seed: 5, size: 64, frames: frames, maxObjects: 1)
        scene.pan = pan
        scene.background = otherLook ? .navy : .gray
        scene.pattern = otherLook ? .dotted : .checkered
        scene.objects[0].shape = otherLook ? .circle : .square
        scene.objects[0].texture = otherLook ? .plain : .striped
        scene.objects[0].color = otherLook ? .yellow : .red
        scene.objects[0].radii = Array(repeating: 8, count: frames)
        // Centres are in world coordinates: adding the pan keeps the object's path on screen what `move` says.
        let start = SIMD2<Double>(32, 32) - move / 2
        scene.objects[0].centres = (0..<frames).map { start + move * Double($0) / Double(frames - 1) + pan * Double($0) }
        let rendered = Renderer.render(scene)
        return GrayVideo(planarRGB: rendered.pixels, frames: frames, width: 64, height: 64)
    }

    static func reordered(_ video: GrayVideo, _ order: [Int]) -> GrayVideo {
        GrayVideo(width: video.width, height: video.height, frames: order.map { video.frames[$0] })
    }

    /// Sub-pixel and multi-pixel shifts (the latter need the pyramid), wherever the window stays inside the picture
    /// (near the edge the reflected border is not the shifted texture): within 0.03 px on average and 0.15 px at
    /// worst, where the texture is weakest. OpenCV on the same frames (rounded to 8 bits): 0.02 and 0.14.
    @Test(arguments: [SIMD2<Float>(0.37, -0.62), SIMD2(3.4, 2.7), SIMD2(-6.3, 4.8)])
    func trackerRecoversATranslation(shift: SIMD2<Float>) {
        let size = 64, tracker = LucasKanade()
        let before = tracker.pyramid(Self.shifted(.zero, size: size), width: size, height: size)
        let after = tracker.pyramid(Self.shifted(shift, size: size), width: size, height: size)
        let margin = Float(tracker.window / 2 + 7)
        let points = LucasKanade.grid(width: size, height: size, stride: 4).filter {
            $0.x >= margin && $0.x <= Float(size) - margin && $0.y >= margin && $0.y <= Float(size) - margin
        }
        let errors = zip(points, tracker.track(points, from: before, to: after)).map { point, found -> Float in
            guard let found else { return .infinity }
            let error = found - point - shift
            return (error * error).sum().squareRoot()
        }
        #expect(points.count >= 64)
        #expect(errors.reduce(0, +) / Float(errors.count) < 0.03)
        #expect(errors.max()! < 0.15)
    }

    @Test func aPointInAFlatRegionOrLeavingTheFrameIsLost() {
        let size = 64, tracker = LucasKanade()
        let flat = tracker.pyramid([Float](repeating: 0.5, count: size * size), width: size, height: size)
        #expect(tracker.track([SIMD2(32, 32)], from: flat, to: flat) == [nil])
        let before = tracker.pyramid(Self.shifted(.zero, size: size), width: size, height: size)
        let after = tracker.pyramid(Self.shifted(SIMD2(3, 0), size: size), width: size, height: size)
        #expect(tracker.track([SIMD2(62, 32)], from: before, to: after) == [nil])
    }

    /// The definition on hand-made tracklets: one source motion (right) against a generated clip holding it and its
    /// reverse; a point that does not move counts on neither side.
    @Test func scoreFollowsTheDefinition() {
        func path(_ step: SIMD2<Float>) -> Tracklet { (0..<5).map { step * Float($0) } }
        let right = path(SIMD2(1, 0)), left = path(SIMD2(-2, 0)), still = path(.zero)
        let m = MotionFidelity(source: [right, still], generated: [right, left, still])
        #expect(abs(m.sourceToGenerated - 1) < 1e-6)
        #expect(abs(m.generatedToSource - 0) < 1e-6)
        #expect(abs(m.score - 0.5) < 1e-6)
        // Whole-sequence normalisation: the same direction at a steady or a varying speed still correlates,
        // as much as the speeds' profiles do.
        let uneven: Tracklet = [.zero, SIMD2(2, 0), SIMD2(2, 0), SIMD2(3, 0), SIMD2(3, 0)]
        #expect(abs(MotionFidelity(source: [right], generated: [uneven]).score - 3 / (2 * 5.0.squareRoot())) < 1e-6)
        #expect(MotionFidelity(source: [still], generated: [still]).score == 1)
        #expect(MotionFidelity(source: [right], generated: [still]).score == 0)
    }

    static let clips: [(pan: SIMD2<Double>, move: SIMD2<Double>)] = [
        ([1, 0], [0, 30]), ([0, -1], [30, 0]), ([0, 0], [30, 20]), ([1, 1], [-30, 20]),
    ]

    /// A clip against itself is 1; against its time reversal, its shuffled frames, or a still clip it is far
    /// lower; against a clip of the same motion in another look (background colour and pattern, object shape, colour
    /// and texture) it stays high. The look costs something with a classical tracker: points near the object's
    /// edge follow the object in one clip and the background in the other (measured 0.76–0.95 over these clips).
    @Test(arguments: clips.indices)
    func motionFidelityRanksClips(index: Int) {
        let (pan, move) = Self.clips[index]
        let source = Self.clip(pan: pan, move: move)
        let same = MotionFidelity(source: source, generated: source).score
        let otherLook = MotionFidelity(source: source, generated: Self.clip(pan: pan, move: move, otherLook: true)).score
        let reversed = MotionFidelity(source: source, generated: Self.reordered(source, Array((0..<16).reversed()))).score
        let shuffled = MotionFidelity(source: source, generated: Self.reordered(source, [3, 11, 0, 7, 14, 2, 9, 5, 15, 1, 12, 6, 10, 4, 13, 8])).score
        let still = MotionFidelity(source: source, generated: Self.clip(pan: .zero, move: .zero)).score
        #expect(same >= 0.99)
        #expect(otherLook >= 0.7)
        for (name, worse) in [("reversed", reversed), ("shuffled", shuffled), ("still", still)] {
            #expect(worse <= 0.5 && worse <= otherLook - 0.3, "\(name): \(worse) against another look's \(otherLook)")
        }
    }

    /// Clips of different lengths are compared over their common frames.
    @Test func aLongerGeneratedClipIsComparedOverTheSourcesFrames() {
        let long = Self.clip(pan: [1, 0], move: [0, 30], frames: 20)
        let head = GrayVideo(width: 64, height: 64, frames: Array(long.frames.prefix(13)))
        #expect(MotionFidelity(source: head, generated: long).score >= 0.99)
    }

    @Test func temporalConsistencyIsOneForAStillClipAndLowForNoise() {
        let frame = Self.shifted(.zero, size: 64)
        #expect(abs(TemporalConsistency.score(GrayVideo(width: 64, height: 64, frames: Array(repeating: frame, count: 8))) - 1) < 1e-9)
        var random = WorldRandom(seed: 7)
        let noise = (0..<8).map { _ in (0..<(64 * 64)).map { _ in Float(random.next() >> 40) / Float(1 << 24) } }
        let noisy = TemporalConsistency.score(GrayVideo(width: 64, height: 64, frames: noise))
        #expect(abs(noisy) < 0.2)
        // A clip with motion lies between: below a still one, far above noise.
        let moving = TemporalConsistency.score(Self.clip(pan: [1, 0], move: [0, 30]))
        #expect(moving < 0.99 && moving > noisy + 0.5)
    }
}
