import CBLAS
import Foundation

/// Row-major SGEMM through OpenBLAS (or the engine's own `PackedGEMM`, see `kernel`), threaded by `Parallel`.
///
/// OpenBLAS is set to one thread once, at first use: the engine's kernels already run on every core through
/// `Parallel`, and a second thread pool inside BLAS would oversubscribe the cores whenever a kernel calls GEMM from
/// a worker. Large products are split by rows (or columns) of C into one single-threaded call per worker, except
/// the largest, called outside the engine's parallel regions, which get OpenBLAS's threads for that one call
/// (`sharedPackingThreshold`).
public enum GEMM {
    public enum Kernel: String, Sendable {
        case openBLAS = "openblas", packed
    }

    /// OpenBLAS, unless it runs one of its pre-AVX kernel sets: this build needs AVX2 and FMA, so on a processor
    /// that runs it such a set means OpenBLAS did not recognise the processor, and `PackedGEMM` (in the widest
    /// `VectorISA`) is faster.
    /// `FASTVMT_GEMM=openblas|packed` chooses one explicitly (benchmarks compare the two on one machine).
    public static let kernel = chooseKernel(requested: ProcessInfo.processInfo.environment["FASTVMT_GEMM"], openBLASCore: openBLASCore)

    /// `kernel`'s rule, given the variable's value and OpenBLAS's kernel set.
    public static func chooseKernel(requested: String?, openBLASCore core: String) -> Kernel {
        if let requested, let chosen = Kernel(rawValue: requested) { return chosen }
        #if arch(x86_64)
        let fallbacks: Set = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "banias", "katmai", "coppermine", "northwood"]
        return fallbacks.contains(core.lowercased()) ? .packed : .openBLAS
        #else
        return .openBLAS
        #endif
    }

    /// The kernel set OpenBLAS chose for this processor ("Haswell", "SkylakeX", "Prescott", …).
    public static var openBLASCore: String { String(cString: openblas_get_corename()) }

    @usableFromInline
    static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// Products smaller than this many multiply-adds run as one call: splitting costs more than it saves.
    public static let parallelThreshold = 1 << 20

    /// Products of at least this many multiply-adds, called outside any parallel region, run on OpenBLAS's own
    /// threads: they share its packed panels of B, where one single-threaded call per worker packs all of B for
    /// itself, which cost 5–13 % at 1024³ and 2048³ (BENCHMARKS.md). Only while the engine's pool is idle, so the
    /// two pools never run at once. Their idle thread spins a while after each such call, yielding the core each
    /// time round, as the engine's own workers do. A second thread of the process (another transfer job) that
    /// calls OpenBLAS meanwhile gets its threads too; OpenBLAS queues the two calls' work on its one pool.
    public static let sharedPackingThreshold = 1 << 28

    /// C[m, n] = alpha · op(A) · op(B) + beta · C, with op(X) = Xᵀ when `transX`. Leading dimensions in elements.
    @inlinable
    public static func multiply(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, threaded: Bool = true
    ) {
        _ = singleThreaded
        guard m > 0, n > 0 else { return }
        let parts = threaded ? min(Parallel.workers, max(1, m * n * k / parallelThreshold)) : 1
        if parts <= 1 {
            call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        if kernel == .openBLAS && m * n * k >= sharedPackingThreshold && WorkerPool.shared.runAlone({
            openblas_set_num_threads(Int32(parts))
            call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            openblas_set_num_threads(1)
        }) {
            return
        }
        if m >= n {
            Parallel.chunks(m, minimumWork: 0) { rows in
                let aRows = transA ? a + rows.lowerBound : a + rows.lowerBound * lda
                call(transA, transB, rows.count, n, k, alpha, aRows, lda, b, ldb, beta, c + rows.lowerBound * ldc, ldc)
            }
        } else {
            Parallel.chunks(n, minimumWork: 0) { columns in
                let bColumns = transB ? b + columns.lowerBound * ldb : b + columns.lowerBound
                call(transA, transB, m, columns.count, k, alpha, a, lda, bColumns, ldb, beta, c + columns.lowerBound, ldc)
            }
        }
    }

    @inlinable
    static func call(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        if kernel == .packed {
            PackedGEMM.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                                beta: beta, c: c, ldc: ldc)
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
