import Foundation

/// The engine's one thread pool (`WorkerPool`), with OpenBLAS held to a single thread except for the largest
/// products while this pool is idle (see `GEMM`), so two pools never compete for the same cores.
public enum Parallel {
    /// Worker count: `FASTVMT_THREADS` if set, else the number of active cores.
    public static let workers: Int = {
        if let text = ProcessInfo.processInfo.environment["FASTVMT_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body` on up to `workers` contiguous sub-ranges of `0..<count`, serially when the total work
    /// (`count * workPerItem`) is below `minimumWork`, where starting threads would cost more than it saves.
    @inlinable
    public static func chunks(_ count: Int, minimumWork: Int = 1 << 14, workPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        parts(count, minimumWork: minimumWork, workPerItem: workPerItem) { _, range in body(range) }
    }

    /// `chunks`, also telling each sub-range its part number (below `workers`), for per-part partial results.
    @inlinable
    public static func parts(
        _ count: Int, minimumWork: Int = 1 << 14, workPerItem: Int = 1, _ body: (Int, Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let parts = min(workers, count, max(1, count * workPerItem / max(1, minimumWork)))
        if parts <= 1 {
            body(0, 0..<count)
            return
        }
        WorkerPool.shared.run(parts) { part in
            body(part, (count * part / parts)..<(count * (part + 1) / parts))
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, spread over the workers; for items of uneven cost.
    @inlinable
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        if count == 1 || workers == 1 {
            for i in 0..<count { body(i) }
            return
        }
        WorkerPool.shared.run(count, body)
    }
}
