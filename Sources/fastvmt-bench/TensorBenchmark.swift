import ArgumentParser
import CBLAS
import DiT
import Foundation
import Tensor

/// The tensor engine against plain BLAS on the same work, in one run: GEMM, dense attention, windowed vs dense
/// attention on the Wan-480p latent grid, and a transformer block's backward/forward time.
struct TensorBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Tensor engine: sgemm, attention, windowed attention and block backward/forward, vs raw OpenBLAS."
    )

    @Option(help: "Seconds each measurement repeats for (the median call is reported).")
    var minimum = 0.5

    @Flag(help: "Smaller sizes, for a quick check that the benchmark runs.")
    var quick = false

    @Option(help: "Parts to run, of gemm, attention, windowed, block (default: all).")
    var only: [String] = []

    func run() {
        print("workers: \(Parallel.workers); OpenBLAS for the raw columns runs with \(Parallel.workers) threads of its own, "
            + "the engine with OpenBLAS at 1 thread and its own workers; median call of ≥ \(minimum) s of calls; "
            + "against BLAS: median of 3 rounds of such a measurement of each side in turn; "
            + "OpenBLAS kernels: \(GEMM.openBLASCore); the engine's GEMM: "
            + (GEMM.kernel == .packed ? "PackedGEMM (\(VectorISA.chosen.rawValue))" : "OpenBLAS"))
        let parts: [(String, () -> Void)] = [("gemm", gemm), ("attention", attention), ("windowed", windowed), ("block", block)]
        for (name, part) in parts where only.isEmpty || only.contains(name) { part() }
    }

    private func random(_ shape: [Int], seed: UInt64) -> Tensor { RandomTensors.uniform(shape, seed: seed) }

    /// Raw BLAS work (`body`, with OpenBLAS's own threads, for the reference columns) and the engine's (`engine`):
    /// the median seconds of each, over three rounds of a measurement of each in turn. Rounds, not calls in turn:
    /// OpenBLAS's threads spin for a while after each call and would take cores from the engine's workers; rounds
    /// at all because raw OpenBLAS moves by up to 30 % from one measurement to the next on this machine.
    private func rawBLAS(_ body: () -> Void, against engine: () -> Void) -> (raw: Double, engine: Double) {
        var raw: [Double] = [], ours: [Double] = []
        for _ in 0..<3 {
            openblas_set_num_threads(Int32(Parallel.workers))
            raw.append(Timing.median(minimum: minimum, body))
            openblas_set_num_threads(1)
            ours.append(Timing.median(minimum: minimum, engine))
        }
        return (Timing.median(raw), Timing.median(ours))
    }

    private func gemm() {
        print("\n### sgemm: engine (MatMul.forward) vs raw cblas_sgemm\n")
        print("| M × N × K | raw cblas_sgemm GFLOP/s | engine GFLOP/s | engine / raw (goal ≥ 0.95) |")
        print("|---|---|---|---|")
        let sizes = quick ? [(256, 256, 256)] : [(512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
                                               (1560, 1536, 1536), (1560, 8960, 1536), (1560, 128, 1560)]
        for (m, n, k) in sizes {
            let a = random([m, k], seed: 1), b = random([k, n], seed: 2)
            var c = Tensor(zeros: [m, n])
            let flops = 2.0 * Double(m * n * k)
            let (raw, ours) = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
                let (pa, pb, pc) = (pa.baseAddress, pb.baseAddress, pc.baseAddress)
                return rawBLAS({
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                                pa, Int32(k), pb, Int32(n), 0, pc, Int32(n))
                }, against: { _ = MatMul.forward(a, b) })
            } } }
            print("| \(m) × \(n) × \(k) | \(f1(flops / raw / 1e9)) | \(f1(flops / ours / 1e9)) | \(f2(raw / ours))× |")
        }
    }

    /// softmax(QKᵀ/√d)V written the direct way: the whole score matrix through BLAS, a row softmax, BLAS again.
    private func blasAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, scores: inout Tensor, out: inout Tensor) {
        let batch = q.shape[0], n = q.shape[1], d = q.shape[2], nk = k.shape[1], dv = v.shape[2]
        let scale = 1 / Float(d).squareRoot()
        q.withUnsafeBufferPointer { pq in k.withUnsafeBufferPointer { pk in v.withUnsafeBufferPointer { pv in
        scores.withUnsafeMutableBufferPointer { ps in out.withUnsafeMutableBufferPointer { po in
            let s = ps.baseAddress!
            for b in 0..<batch {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(nk), Int32(d), scale,
                            pq.baseAddress! + b * n * d, Int32(d), pk.baseAddress! + b * nk * d, Int32(d), 0, s, Int32(nk))
                Parallel.chunks(n, minimumWork: 1 << 14, workPerItem: nk) { rows in
                    for r in rows { Softmax.row(s + r * nk, s + r * nk, nk) }
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(dv), Int32(nk), 1,
                            s, Int32(nk), pv.baseAddress! + b * nk * dv, Int32(dv), 0, po.baseAddress! + b * n * dv, Int32(dv))
            }
        } } } } }
    }

    private func attention() {
        print("\n### Attention: blocked streaming-softmax kernel vs GEMM + softmax + GEMM through BLAS\n")
        print("| heads × N × d | BLAS GFLOP/s | engine GFLOP/s | engine / BLAS (goal ≥ 1.0) | BLAS score memory |")
        print("|---|---|---|---|---|")
        let cases = quick ? [(2, 256, 64)] : [(8, 1024, 64), (8, 1024, 128), (2, 4096, 64), (2, 4096, 128)]
        for (heads, n, d) in cases {
            let q = random([heads, n, d], seed: 3), k = random([heads, n, d], seed: 4), v = random([heads, n, d], seed: 5)
            var scores = Tensor(zeros: [n, n]), out = Tensor(zeros: [heads, n, d])
            let flops = 4.0 * Double(heads * n * n * d)
            let (blas, ours) = rawBLAS({ blasAttention(q, k, v, scores: &scores, out: &out) },
                                       against: { _ = Attention.forward(q: q, k: k, v: v, scale: 1 / Float(d).squareRoot()) })
            print("| \(heads) × \(n) × \(d) | \(f1(flops / blas / 1e9)) | \(f1(flops / ours / 1e9)) | \(f2(blas / ours))× | "
                + "\(n * n * 4 / 1_048_576) MiB |")
        }
    }

    /// The windowed kernel in every instruction set this processor runs (`VectorISA.available`) against the engine's dense
    /// attention, the median of seven rounds of one measurement of each: this machine's timings drift by up to 2×
    /// over a run, and a ratio is only as good as its two sides measured close together (with three rounds, runs a
    /// minute apart gave 18.4–21.8× for the same binary).
    static let windowedRounds = 7

    private func windowed() {
        print("\n### Windowed vs dense attention, one frame pair of the Wan-480p latent grid (30 × 52 = 1560 tokens)\n")
        print("Dense attention's GEMMs run on \(GEMM.kernel == .packed ? "the engine's PackedGEMM (\(VectorISA.chosen.rawValue))" : "OpenBLAS (\(GEMM.openBLASCore))"); "
            + "each time the median of \(Self.windowedRounds) rounds of one measurement of the dense kernel and each windowed case in turn.\n")
        print("| heads × d | window | windowed kernel | dense (engine) ms | windowed ms | dense / windowed time (goal ≥ 20 for 7×7) | FLOP ratio |")
        print("|---|---|---|---|---|---|---|")
        let (gh, gw) = quick ? (10, 12) : (30, 52)
        let n = gh * gw
        for (heads, d) in [(12, 128), (12, 64)] {
            let q = random([heads, n, d], seed: 6), k = random([heads, n, d], seed: 7), v = random([heads, n, d], seed: 8)
            let scale = 1 / Float(d).squareRoot()
            let cases = [7, 21].flatMap { size in
                VectorISA.available.map { (KeyWindows.centred(gridHeight: gh, gridWidth: gw, size: size), $0) }
            }
            var dense: [Double] = [], local = [[Double]](repeating: [], count: cases.count)
            for _ in 0..<Self.windowedRounds {
                dense.append(Timing.median(minimum: minimum) { _ = Attention.forward(q: q, k: k, v: v, scale: scale) })
                for (i, (windows, isa)) in cases.enumerated() {
                    local[i].append(Timing.median(minimum: minimum) {
                        _ = WindowedAttention.forward(q: q, k: k, v: v, windows: windows, scale: scale, isa: isa)
                    })
                }
            }
            let denseTime = Timing.median(dense)
            for (i, (windows, isa)) in cases.enumerated() {
                let time = Timing.median(local[i])
                print("| \(heads) × \(d) | \(windows.height)×\(windows.width) (r = \(windows.width / 2)) | \(isa.rawValue) | "
                    + "\(f2(denseTime * 1e3)) | \(f2(time * 1e3)) | \(f1(denseTime / time))× | \(f1(Double(n) / Double(windows.size)))× |")
            }
        }
    }

    /// One Wan block of the DiT target with made-up weights: the guidance backward runs to the latents only (the
    /// weights are constants), so that is the ratio that matters.
    private func block() {
        print("\n### Transformer block (the DiT's Wan block): backward to the input / forward time\n")
        print("| dim / heads / ffn, tokens | forward ms (GFLOP/s) | backward to the input ms | ratio (goal ≤ 2.5) |")
        print("|---|---|---|---|")
        let configs = quick ? [(256, 4, 1024, (1, 12, 20))] : [(768, 6, 3072, (1, 30, 52)), (1536, 12, 8960, (1, 30, 52))]
        for (dim, heads, ffn, grid) in configs {
            let config = WanConfig(numAttentionHeads: heads, attentionHeadDim: dim / heads, textDim: dim, ffnDim: ffn, numLayers: 1)
            let model = WanTransformer(config: config, weights: RandomTensors.wanWeights(config))
            let latents = random([config.inChannels, grid.0, 2 * grid.1, 2 * grid.2], seed: 9)
            let context = model.textContext(random([32, dim], seed: 10))
            let time = model.timeConditioning(timestep: 500)
            let tokens = grid.0 * grid.1 * grid.2
            let flops = config.forwardFLOPs(tokens: tokens, textTokens: 32, lastBlock: 0)
            let forward = Timing.median(minimum: minimum) {
                _ = model.forward(latents: Variable(latents), time: time, context: context, lastBlock: 0)
            }
            let withBackward = Timing.median(minimum: minimum) {
                let tape = Tape()
                let x = tape.variable(latents)
                let hidden = model.forward(latents: x, time: time, context: context, lastBlock: 0).hidden
                _ = tape.gradient(of: hidden, wrt: [x], seed: Tensor(repeating: 1, shape: hidden.shape))
            }
            let backward = withBackward - forward
            print("| \(dim) / \(heads) / \(ffn), \(tokens) | \(f1(forward * 1e3)) (\(f1(flops / forward / 1e9))) | \(f1(backward * 1e3)) | "
                + "\(f2(backward / forward))× |")
        }
    }

    private func f1(_ x: Double) -> String { String(format: "%.1f", x) }
    private func f2(_ x: Double) -> String { String(format: "%.2f", x) }
}
