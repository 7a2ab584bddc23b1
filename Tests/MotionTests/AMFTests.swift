import Motion
import Tensor
import XCTest

final class AMFTests: XCTestCase {
    let grid = TokenGrid(frames: 3, height: 6, width: 7)

    private func features(seed: UInt64, d: Int = 8, scale: Float = 1) -> MotionFeatures {
        MotionFeatures(queries: Variable(randomTensor([grid.frames, grid.tokensPerFrame, d], seed: seed)),
                       keys: Variable(randomTensor([grid.frames, grid.tokensPerFrame, d], seed: seed + 1)),
                       scale: scale, grid: grid)
    }

    /// The window is an attention mask: one that covers the whole frame is the global flow.
    func testAWindowCoveringTheFrameGivesTheGlobalFlow() {
        let f = features(seed: 1, scale: 2)
        for pairs in [FramePairs.all(frames: 3), .forward(frames: 3, span: 2)] {
            let global = GlobalAMF.soft(f, pairs: pairs).displacement.value
            let window = WindowAMF.soft(f, pairs: pairs, settings: WindowSettings(tileHeight: 2, tileWidth: 3, size: 9)).flow.displacement.value
            assertClose(window, global, tolerance: 1e-5, "window AMF with l ≥ frame")
        }
    }

    /// A smaller window gives a different flow (the mask matters), and stays inside the frame.
    func testASmallWindowIsNotTheGlobalFlow() {
        let f = features(seed: 3, scale: 2)
        let pairs = FramePairs.forward(frames: 3, span: 2)
        let (flow, windows) = WindowAMF.soft(f, pairs: pairs, settings: WindowSettings(tileHeight: 2, tileWidth: 2, size: 3))
        let global = GlobalAMF.soft(f, pairs: pairs).displacement.value
        let worst = zip(flow.displacement.value.scalars, global.scalars).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(worst, 0.1)
        for t in stride(from: 0, to: windows.origins.count, by: 2) {
            XCTAssertTrue((0...(grid.height - 3)).contains(Int(windows.origins[t])))
            XCTAssertTrue((0...(grid.width - 3)).contains(Int(windows.origins[t + 1])))
        }
    }

    /// Content that moves by (1, 2) tokens a frame: every token whose content is still in view finds it there.
    func testAKnownShiftIsRecovered() {
        let grid = TokenGrid(frames: 3, height: 10, width: 12)
        let shift = (dy: 1, dx: 2), d = 48
        // One random code per content position (on a larger canvas, so content enters from outside).
        let canvas = randomTensor([20 * 24, d], seed: 11).scalars
        var frames = [Float]()
        for f in 0..<grid.frames {
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    let cy = y - shift.dy * f + 5, cx = x - shift.dx * f + 6
                    frames += canvas[((cy * 24 + cx) * d)..<((cy * 24 + cx + 1) * d)]
                }
            }
        }
        let codes = Variable(Tensor(shape: [grid.frames, grid.tokensPerFrame, d], scalars: frames))
        let features = MotionFeatures(queries: codes, keys: codes, scale: 40, grid: grid)
        let pairs = FramePairs.forward(frames: 3, span: 3)
        let global = GlobalAMF.soft(features, pairs: pairs).displacement.value
        let window = WindowAMF.soft(features, pairs: pairs, settings: WindowSettings(tileHeight: 2, tileWidth: 2, size: 5)).flow.displacement.value
        let argmax = GlobalAMF.argmax(features, pairs: pairs)
        for (index, pair) in pairs.pairs.enumerated() {
            let steps = pair.key - pair.query
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    let ty = y + shift.dy * steps, tx = x + shift.dx * steps
                    guard ty < grid.height, tx < grid.width else { continue }  // moved out of view
                    // The window search follows the tile's centre (of the 2×2 tile, its lower-right token): where
                    // that has left the frame the window cannot be found, which is the method, not an error.
                    let centreInView = (y / 2) * 2 + 1 + shift.dy * steps < grid.height && (x / 2) * 2 + 1 + shift.dx * steps < grid.width
                    let at = (index * grid.tokensPerFrame + y * grid.width + x) * 2
                    let flows = [("global", global.scalars), ("argmax", argmax.scalars)] + (centreInView ? [("window", window.scalars)] : [])
                    for (name, flow) in flows {
                        XCTAssertEqual(flow[at], Float(shift.dy * steps), accuracy: 0.05, "\(name) Δrow of \(pair) at (\(y), \(x))")
                        XCTAssertEqual(flow[at + 1], Float(shift.dx * steps), accuracy: 0.05, "\(name) Δcol of \(pair) at (\(y), \(x))")
                    }
                }
            }
        }
    }

    /// Averaging logits over heads = one attention over concatenated channels at scale/H; averaging Q and K first
    /// is the product of the means.
    func testHeadReductions() {
        let heads = 3, d = 4, grid = TokenGrid(frames: 2, height: 2, width: 2)
        let q = randomTensor([heads, 8, d], seed: 21), k = randomTensor([heads, 8, d], seed: 22)
        let logits = MotionFeatures(queries: Variable(q), keys: Variable(k), grid: grid, reduction: .averageLogits, temperature: 2)
        let means = MotionFeatures(queries: Variable(q), keys: Variable(k), grid: grid, reduction: .averageQueriesAndKeys, temperature: 2)
        for (p, t) in [(0, 5), (3, 1), (6, 7)] {
            var mean: Float = 0, qm = [Float](repeating: 0, count: d), km = qm
            for h in 0..<heads {
                for c in 0..<d {
                    mean += q[h, p, c] * k[h, t, c] / Float(heads)
                    qm[c] += q[h, p, c] / Float(heads)
                    km[c] += k[h, t, c] / Float(heads)
                }
            }
            let expectedScale: Float = 2 / Float(d).squareRoot()
            let lq = logits.queries.value.reshaped([8, -1]), lk = logits.keys.value.reshaped([8, -1])
            let dot = (0..<(heads * d)).map { lq[p, $0] * lk[t, $0] }.reduce(0, +)
            XCTAssertEqual(logits.scale * dot, expectedScale * mean, accuracy: 1e-5)
            let mq = means.queries.value.reshaped([8, -1]), mk = means.keys.value.reshaped([8, -1])
            let meanDot = (0..<d).map { mq[p, $0] * mk[t, $0] }.reduce(0, +)
            XCTAssertEqual(means.scale * meanDot, expectedScale * zip(qm, km).map(*).reduce(0, +), accuracy: 1e-5)
        }
    }

    func testFramePairsAndWeights() {
        let forward = FramePairs.forward(frames: 5, span: 4)
        XCTAssertEqual(forward.pairs.filter { $0.query == 0 }.map(\.key), [0, 1, 2, 3])
        XCTAssertEqual(forward.pairs.filter { $0.query == 3 }.map(\.key), [3, 4])
        let expected: [Float] = [1, 1 - 0.2 / 3, 1 - 0.4 / 3, 0.8]  // numpy.linspace(1, 0.8, 4)
        XCTAssertEqual(Array(forward.weights.prefix(4)), expected)
        XCTAssertEqual(FramePairs.all(frames: 4).count, 12)
    }
}
