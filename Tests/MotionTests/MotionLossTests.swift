import Motion
import Tensor
import XCTest

/// Both losses differentiated by the tape against central finite differences, through the flows they are built on.
final class MotionLossTests: XCTestCase {
    let grid = TokenGrid(frames: 3, height: 5, width: 6)
    let d = 6

    private func features(queries: Variable, keys: Variable) -> MotionFeatures {
        MotionFeatures(queries: queries, keys: keys, scale: 1.5, grid: grid)
    }

    func testGlobalAMFLossGradient() {
        let keys = randomTensor([3, 30, d], seed: 2)
        let pairs = FramePairs.all(frames: 3)
        let reference = GlobalAMF.soft(features(queries: Variable(randomTensor([3, 30, d], seed: 3)), keys: Variable(keys)), pairs: pairs)
            .displacement.value
        checkGradient(of: { q in
            MotionLoss.amf(generated: GlobalAMF.soft(self.features(queries: q, keys: Variable(keys)), pairs: pairs), reference: reference)
        }, at: randomTensor([3, 30, d], seed: 1), "L_amf (global) w.r.t. Q")
        checkGradient(of: { q in
            MotionLoss.maskedMSE(generated: GlobalAMF.soft(self.features(queries: q, keys: Variable(keys)), pairs: pairs),
                                 reference: GlobalAMF.argmax(self.features(queries: Variable(randomTensor([3, 30, self.d], seed: 3)), keys: Variable(keys)), pairs: pairs))
        }, at: randomTensor([3, 30, d], seed: 1), "masked MSE w.r.t. Q")
    }

    /// Window positions come from a rounded search; the step is small enough that they do not move, so the loss is
    /// smooth in the neighbourhood the differences probe (the windows are checked to be unchanged).
    func testWindowAMFLossGradient() {
        let queries = randomTensor([3, 30, d], seed: 5)
        let settings = WindowSettings(tileHeight: 2, tileWidth: 2, size: 3)
        let pairs = FramePairs.forward(frames: 3, span: 3)
        let reference = WindowAMF.soft(features(queries: Variable(randomTensor([3, 30, d], seed: 6)), keys: Variable(queries)), pairs: pairs,
                                       settings: settings).flow.displacement.value
        let keys = randomTensor([3, 30, d], seed: 4)
        let windows = WindowAMF.locate(features(queries: Variable(queries), keys: Variable(keys)), pairs: pairs, settings: settings).origins
        XCTAssertEqual(WindowAMF.locate(features(queries: Variable(queries), keys: Variable(Elementwise.affine(keys, scale: 1, shift: 1e-3))),
                                        pairs: pairs, settings: settings).origins, windows)
        checkGradient(of: { k in
            MotionLoss.amf(generated: WindowAMF.soft(self.features(queries: Variable(queries), keys: k), pairs: pairs, settings: settings).flow,
                           reference: reference)
        }, at: keys, step: 1e-3, tolerance: 3e-2, "L_amf (window) w.r.t. K")
    }

    func testCorrespondingWindowLossGradient() {
        let queries = randomTensor([3, 30, d], seed: 7)
        let settings = WindowSettings(tileHeight: 2, tileWidth: 3, size: 3)
        let pairs = FramePairs.forward(frames: 3, span: 3)
        let windows = WindowAMF.locate(features(queries: Variable(queries), keys: Variable(randomTensor([3, 30, d], seed: 8))),
                                       pairs: pairs, settings: settings)
        checkGradient(of: { k in
            MotionLoss.correspondingWindow(self.features(queries: Variable(queries), keys: k), pairs: pairs, windows: windows)
        }, at: randomTensor([3, 30, d], seed: 8), "L_win w.r.t. K")
    }

    /// The window loss is zero when each tile's window holds the same keys in consecutive frames.
    func testCorrespondingWindowLossVanishesForStillKeys() {
        let frame = randomTensor([1, 30, d], seed: 9)
        let keys = Variable(Concatenation.forward([frame, frame, frame], axis: 0))
        let f = features(queries: keys, keys: keys)
        let pairs = FramePairs.forward(frames: 3, span: 3)
        let windows = WindowAMF.locate(f, pairs: pairs, settings: WindowSettings(tileHeight: 2, tileWidth: 2, size: 3))
        XCTAssertEqual(MotionLoss.correspondingWindow(f, pairs: pairs, windows: windows).value.item, 0, accuracy: 1e-4)
        let moving = features(queries: keys, keys: Variable(randomTensor([3, 30, d], seed: 10)))
        XCTAssertGreaterThan(MotionLoss.correspondingWindow(moving, pairs: pairs, windows: windows).value.item, 0.1)
    }
}
