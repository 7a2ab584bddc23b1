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
        let dense = Attention.forward(q: q, k: k, v: v, scale: 0.25)
        for isa in VectorISA.available {
            let windowed = WindowedAttention.forward(q: q, k: k, v: v, windows: windows, scale: 0.25, isa: isa)
            #expect(scaledError(windowed.out.scalars, dense.out.scalars.map(Double.init)) < 1e-6, "\(isa)")
            #expect(scaledError(windowed.logSumExp.scalars, dense.logSumExp.scalars.map(Double.init)) < 1e-6, "\(isa)")
        }
    }

    /// Work that the threaded path splits across workers (private dk/dv accumulators; the forward pass a batch
    /// entry at a time, with four of them) against the masked reference.
    @Test func largeGridMatchesMaskedReference() {
        var random = SeededRandom(seed: 63)
        let (h, w, d, batch) = (12, 20, 32, 4)
        let windows = KeyWindows.centred(gridHeight: h, gridWidth: w, size: 7)
        let q = random.tensor([batch, h * w, d]), k = random.tensor([batch, h * w, d]), v = random.tensor([batch, h * w, 2])
        let upstream = random.tensor([batch, h * w, 2])
        expectMaskedReference(q, k, v, upstream, windows, batchOrigins: false, scale: 0.2)
    }

    /// Centred 7×7 windows make interior neighbours staircase blocks (windows one column apart), whose forward
    /// skips the pairs outside each window; dv = 75 runs its four-vector path and the general path for the rest, d = 45
    /// the dot kernels' two-key and scalar tails (at 8 and 16 lanes).
    @Test func staircaseBlocksMatchMaskedReference() {
        var random = SeededRandom(seed: 65)
        let (h, w, d, dv) = (9, 14, 45, 75)
        let windows = KeyWindows.centred(gridHeight: h, gridWidth: w, size: 7)
        let q = random.tensor([1, h * w, d]), k = random.tensor([1, h * w, d]), v = random.tensor([1, h * w, dv])
        let upstream = random.tensor([1, h * w, dv])
        expectMaskedReference(q, k, v, upstream, windows, batchOrigins: false, scale: 0.25)
    }

    /// Wider staircases: with 32 vector registers the forward pass takes seven window columns in one pass and the
    /// rest (3 to 9 columns) in the narrow kernel; widths 8 to 15 give every split (7 + 1 and 7 + 2 go narrow whole).
    @Test(arguments: [8, 9, 10, 15])
    func wideStaircasesMatchMaskedReference(size: Int) {
        var random = SeededRandom(seed: 66 + UInt64(size))
        let (h, w, d, dv) = (3, 22, 37, 20)
        let windows = KeyWindows(keyHeight: h, keyWidth: w, height: 2, width: size,
                                 origins: KeyWindows.centred(gridHeight: h, gridWidth: w, size: size).origins.enumerated().map {
                                     $0.offset % 2 == 0 ? min($0.element, Int32(h - 2)) : $0.element
                                 })
        let q = random.tensor([1, h * w, d]), k = random.tensor([1, h * w, d]), v = random.tensor([1, h * w, dv])
        let upstream = random.tensor([1, h * w, dv])
        expectMaskedReference(q, k, v, upstream, windows, batchOrigins: false, scale: 0.25)
    }

    /// Windows in alternating rows make every query a block of one, which the forward pass runs through its
    /// one-query kernels: dot passes of seven keys, then four, then a short last one (width 12 = 7 + 4 + 1), and
    /// value sums eight vectors at a time, then a vector, then lanes (dv = 149 at 8 and 16 lanes).
    @Test func loneQueriesMatchMaskedReference() {
        var random = SeededRandom(seed: 67)
        let (h, w, d, dv) = (2, 16, 19, 149), n = h * w
        let origins = (0..<n).flatMap { [Int32($0 % 2), Int32($0 % 4)] }
        let windows = KeyWindows(keyHeight: h, keyWidth: w, height: 1, width: 12, origins: origins)
        let q = random.tensor([1, n, d]), k = random.tensor([1, n, d]), v = random.tensor([1, n, dv])
        let upstream = random.tensor([1, n, dv])
        expectMaskedReference(q, k, v, upstream, windows, batchOrigins: false, scale: 0.3)
    }

    /// Neighbouring queries go three at a time when their windows share rows and overlap. Jittered per-batch origins
    /// mix such blocks (equal, shifted and out-of-order columns) with lone queries (different rows, no overlap), and
    /// d, dv exercise every vector width and tail of the kernels.
    @Test func jitteredWindowsMatchMaskedReference() {
        var random = SeededRandom(seed: 64)
        let (h, w, d, dv, batch) = (6, 11, 37, 45, 2)
        let (wh, ww) = (3, 5)
        var origins: [Int32] = []
        for _ in 0..<batch {
            for y in 0..<h {
                for x in 0..<w {
                    let dy = random.next() % 4 == 0 ? Int(random.next() % 3) - 1 : 0
                    let dx = random.next() % 2 == 0 ? Int(random.next() % 7) - 3 : 0
                    origins.append(Int32(min(max(y - wh / 2 + dy, 0), h - wh)))
                    origins.append(Int32(min(max(x - ww / 2 + dx, 0), w - ww)))
                }
            }
        }
        let windows = KeyWindows(keyHeight: h, keyWidth: w, height: wh, width: ww, origins: origins)
        let q = random.tensor([batch, h * w, d]), k = random.tensor([batch, h * w, d])
        let v = random.tensor([batch, h * w, dv]), upstream = random.tensor([batch, h * w, dv])
        expectMaskedReference(q, k, v, upstream, windows, batchOrigins: true, scale: 0.3)
    }

    /// Frames wide enough for the transposed forward pass (`FrameForward`: 16 lanes, d a multiple of 8): its lanes
    /// serve every column, the edge columns' moved windows included, in chunks of rows that share a row offset
    /// (several chunks per frame, the last one short), windows of 3 to 7 columns in one pass (9 is wider and goes
    /// per query), dv = 37 with the value sums' tails. Three entries on two workers split one entry between them,
    /// which goes per query.
    @Test(arguments: [3, 5, 7, 9])
    func framesMatchMaskedReference(size: Int) {
        var random = SeededRandom(seed: 70 + UInt64(size))
        let (h, w, d, dv, batch) = (23, 40, 24, 37, 3)
        let windows = KeyWindows.centred(gridHeight: h, gridWidth: w, size: size)
        let q = random.tensor([batch, h * w, d]), k = random.tensor([batch, h * w, d]), v = random.tensor([batch, h * w, dv])
        let upstream = random.tensor([batch, h * w, dv])
        expectMaskedReference(q, k, v, upstream, windows, batchOrigins: false, scale: 0.3)
    }

    /// Windowed attention's output and gradients against dense attention with the windows as an additive mask.
    func expectMaskedReference(
        _ q: Tensor, _ k: Tensor, _ v: Tensor, _ upstream: Tensor, _ windows: KeyWindows, batchOrigins: Bool, scale: Float
    ) {
        let batch = q.shape[0], n = q.shape[1]
        let tape = Tape()
        let vq = tape.variable(q), vk = tape.variable(k), vv = tape.variable(v)
        let out = Variable.windowedAttention(q: vq, k: vk, v: vv, windows: windows, scale: scale)
        let grads = tape.gradient(of: out, wrt: [vq, vk, vv], seed: upstream)

        let mask = inWindow(windows, batchOrigins: batchOrigins, nq: n)
        let composed = Tape()
        let cq = composed.variable(q), ck = composed.variable(k), cv = composed.variable(v)
        var maskValues = [Float](repeating: 0, count: batch * n * n)
        for b in 0..<batch { for i in 0..<n { for j in 0..<n where !mask(b, i, j) {
            maskValues[(b * n + i) * n + j] = -1e30
        } } }
        let logits = Variable.matmul(cq, ck, transposeB: true) * scale + Variable(Tensor(shape: [batch, n, n], scalars: maskValues))
        let reference = Variable.matmul(logits.softmax(), cv)
        let referenceGrads = composed.gradient(of: reference, wrt: [cq, ck, cv], seed: upstream)
        #expect(scaledError(out.value.scalars, reference.value.scalars.map(Double.init)) < 1e-5)
        for (a, b) in zip(grads, referenceGrads) {
            #expect(scaledError(a.scalars, b.scalars.map(Double.init)) < 1e-5)
        }
        // Both passes in every instruction set this processor runs (the tape above used the default one).
        for isa in VectorISA.available {
            let forward = WindowedAttention.forward(q: q, k: k, v: v, windows: windows, scale: scale, isa: isa)
            #expect(scaledError(forward.out.scalars, reference.value.scalars.map(Double.init)) < 1e-5, "\(isa)")
            let backward = WindowedAttention.backward(q: q, k: k, v: v, out: forward.out, logSumExp: forward.logSumExp,
                                                      upstream: upstream, windows: windows, scale: scale, isa: isa)
            for (a, b) in zip([backward.dq, backward.dk, backward.dv], referenceGrads) {
                #expect(scaledError(a.scalars, b.scalars.map(Double.init)) < 1e-5, "\(isa)")
            }
        }
    }
}
