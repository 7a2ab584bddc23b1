import Foundation
import Testing
import Tensor

@Suite struct WindowedAttentionTests {
    func inWindow(_ windows: KeyWindows, batchOrigins: Bool, nq: Int) -> (Int, Int, Int) -> Bool {
        { b, i, j in
            let o = 2 * (batchOrigins ? b * nq + i : i)
            let y = j / windows.keyWidth, x = j % windows.keyWidth
            let y0 = Int(windows.origins[o]), x0 = Int(windows.origins[o + 1])
            return y >= y0 && y < y0 + windows.height && x >= x0 && x < x0 + windows.width
        }
    }

    @Test func centredWindowsAgainstFiniteDifferences() {
        var random = SeededRandom(seed: 60)
        let windows = KeyWindows.centred(gridHeight: 4, gridWidth: 5, size: 3)
        let q = random.tensor([2, 20, 4], -2, 2), k = random.tensor([2, 20, 4], -2, 2), v = random.tensor([2, 20, 2])
        let allowed = inWindow(windows, batchOrigins: false, nq: 20)
        checkOp("windowed attention", inputs: [q, k, v]) {
            referenceAttention($0[0], $0[1], $0[2], batch: 2, nq: 20, nk: 20, d: 4, dv: 2, scale: 0.7, allowed: allowed)
        } op: { Variable.windowedAttention(q: $0[0], k: $0[1], v: $0[2], windows: windows, scale: 0.7) }
    }

    /// Per-batch origins, non-square windows, query and key grids of different sizes, d not a multiple of 8.
    @Test func perBatchOriginsAgainstFiniteDifferences() {
        var random = SeededRandom(seed: 61)
        let nq = 6, keyHeight = 4, keyWidth = 6
        var origins: [Int32] = []
        for _ in 0..<(2 * nq) {
            origins.append(Int32(random.next() % UInt64(keyHeight - 2 + 1)))
            origins.append(Int32(random.next() % UInt64(keyWidth - 3 + 1)))
        }
        let windows = KeyWindows(keyHeight: keyHeight, keyWidth: keyWidth, height: 2, width: 3, origins: origins)
        let q = random.tensor([2, nq, 11], -1, 1), k = random.tensor([2, 24, 11], -1, 1), v = random.tensor([2, 24, 9])
        let allowed = inWindow(windows, batchOrigins: true, nq: nq)
        checkOp("windowed attention, per-batch origins", inputs: [q, k, v]) {
            referenceAttention($0[0], $0[1], $0[2], batch: 2, nq: nq, nk: 24, d: 11, dv: 9, scale: 0.3, allowed: allowed)
        } op: { Variable.windowedAttention(q: $0[0], k: $0[1], v: $0[2], windows: windows, scale: 0.3) }
    }

    /// A window is a mask: one covering the whole key frame is dense attention.
    @Test func fullFrameWindowIsDenseAttention() {
        var random = SeededRandom(seed: 62)
        let q = random.tensor([2, 30, 16]), k = random.tensor([2, 30, 16]), v = random.tensor([2, 30, 16])
        let windows = KeyWindows.centred(gridHeight: 5, gridWidth: 6, size: 99)
        #expect(windows.height == 5 && windows.width == 6)
        let windowed = WindowedAttention.forward(q: q, k: k, v: v, windows: windows, scale: 0.25)
        let dense = Attention.forward(q: q, k: k, v: v, scale: 0.25)
        #expect(scaledError(windowed.out.scalars, dense.out.scalars.map(Double.init)) < 1e-6)
        #expect(scaledError(windowed.logSumExp.scalars, dense.logSumExp.scalars.map(Double.init)) < 1e-6)
    }

    /// Work that the threaded path splits across workers (private dk/dv accumulators) against the masked reference.
    @Test func largeGridMatchesMaskedReference() {
        var random = SeededRandom(seed: 63)
        let (h, w, d) = (12, 20, 32)
        let windows = KeyWindows.centred(gridHeight: h, gridWidth: w, size: 7)
        let q = random.tensor([2, h * w, d]), k = random.tensor([2, h * w, d]), v = random.tensor([2, h * w, 2])
        let upstream = random.tensor([2, h * w, 2])
        let tape = Tape()
        let vq = tape.variable(q), vk = tape.variable(k), vv = tape.variable(v)
        let out = Variable.windowedAttention(q: vq, k: vk, v: vv, windows: windows, scale: 0.2)
        let grads = tape.gradient(of: out, wrt: [vq, vk, vv], seed: upstream)

        let mask = inWindow(windows, batchOrigins: false, nq: h * w)
        let composed = Tape()
        let cq = composed.variable(q), ck = composed.variable(k), cv = composed.variable(v)
        var maskValues = [Float](repeating: 0, count: 2 * h * w * h * w)
        for b in 0..<2 { for i in 0..<(h * w) { for j in 0..<(h * w) where !mask(b, i, j) {
            maskValues[(b * h * w + i) * h * w + j] = -1e30
        } } }
        let logits = Variable.matmul(cq, ck, transposeB: true) * 0.2 + Variable(Tensor(shape: [2, h * w, h * w], scalars: maskValues))
        let reference = Variable.matmul(logits.softmax(), cv)
        let referenceGrads = composed.gradient(of: reference, wrt: [cq, ck, cv], seed: upstream)
        #expect(scaledError(out.value.scalars, reference.value.scalars.map(Double.init)) < 1e-5)
        for (a, b) in zip(grads, referenceGrads) {
            #expect(scaledError(a.scalars, b.scalars.map(Double.init)) < 1e-5)
        }
    }
}
