import Evaluation
import World
import XCTest

/// The evaluation's own accuracy, on clips whose truth is known: single objects of the world, rendered.
final class EvaluationTests: XCTestCase {
    /// 60 held-out scenes: colour right in ≥ 95 % and shape in ≥ 85 % of them (small, fast-moving or zoomed-out
    /// objects are hard for any pixel classifier), centroids within 1.5 px of the renderer's visible centroid (the
    /// closing that rejoins striped objects also takes in a background dot touching the edge: ≈ 1.3 px at worst).
    func testSegmentationAndClassificationOnRenderedClips() {
        var colours = 0, shapes = 0, total = 0
        var worstCentroid = 0.0
        for seed in UInt64(0)..<60 {
            let clip = Renderer.render(Scene.random(seed: seed, frames: 2, maxObjects: 1))
            let s = clip.scene.size, object = clip.scene.objects[0]
            let frame = clip.pixels[0..<(3 * s * s)]
            guard let mask = Segmentation.largestObject(frame, size: s) else { continue }
            total += 1
            if ObjectClassifier.color(frame, mask: mask, size: s) == object.color { colours += 1 }
            if ObjectClassifier.shape(mask: mask, size: s) == object.shape { shapes += 1 }
            if let truth = clip.visibleCentroid(object: 0, frame: 0) {
                let d = Segmentation.centroid(mask, size: s) - truth
                worstCentroid = max(worstCentroid, (d * d).sum().squareRoot())
            }
        }
        XCTAssertGreaterThanOrEqual(total, 57, "objects found")
        XCTAssertGreaterThanOrEqual(Double(colours) / Double(total), 0.95, "colour \(colours)/\(total)")
        XCTAssertGreaterThanOrEqual(Double(shapes) / Double(total), 0.85, "shape \(shapes)/\(total)")
        XCTAssertLessThan(worstCentroid, 1.5)
    }

    /// A uniform frame has no object, and noise is not mistaken for one shape consistently.
    func testAnEmptyFrameHasNoObject() {
        XCTAssertNil(Segmentation.largestObject(ArraySlice([Float](repeating: 0.3, count: 3 * 16 * 16)), size: 16))
    }

    func testPathErrorIgnoresFramesWhereAnObjectIsMissing() {
        let a: [SIMD2<Double>?] = [SIMD2(0, 0), SIMD2(3, 4), nil]
        let b: [SIMD2<Double>?] = [SIMD2(0, 0), SIMD2(0, 0), SIMD2(9, 9)]
        XCTAssertEqual(PathError.mean(a, b), 2.5)
        XCTAssertNil(PathError.mean([nil], [SIMD2(1, 1)]))
    }
}
