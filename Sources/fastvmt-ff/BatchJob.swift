import Foundation

/// Runs a batch plan on `jobs` worker threads. Each worker takes the next file and does all of it (decode, compute,
/// encode), so one file's decoding and encoding overlap another's compute, and the model's weights, a shared
/// value, are loaded once. A file that fails is recorded and the others go on.
struct BatchJob {
    let plan: BatchPlan
    let jobs: Int
    let log: Log
    let progress: ProgressStyle
    /// Does one file (its action is transfer or re-encode); throws why it failed.
    let process: @Sendable (BatchItem, Log) throws -> Void

    func run() -> [BatchOutcome] {
        var outcomes = [BatchOutcome?](repeating: nil, count: plan.items.count)
        var work: [Int] = []
        for (index, item) in plan.items.enumerated() {
            switch item.action {
            case .skip:
                log.info("SKIPPED \(item.file): \(item.output) exists")
                outcomes[index] = BatchJob.outcome(item, .skipped)
            case .fail(let reason):
                Log.error("FAILED \(item.file): \(reason)")
                outcomes[index] = BatchJob.outcome(item, .failed, error: reason)
            case .transfer, .reencode:
                work.append(index)
            }
        }
        let results = Locked(outcomes)
        let queue = Locked(work[...])
        let counter = Progress(total: work.count, style: progress, unit: "file")
        let done = Locked(0)
        let finished = DispatchGroup()
        let (items, log, process) = (plan.items, log, process)
        for _ in 0..<min(max(1, jobs), work.count) {
            finished.enter()
            let worker = Thread {
                while let index = queue.withLock({ $0.popFirst() }) {
                    let outcome = BatchJob.attempt(items[index], log: log, process)
                    results.withLock { $0[index] = outcome }
                    counter.update(done.withLock { $0 += 1; return $0 })
                }
                finished.leave()
            }
            worker.start()
        }
        finished.wait()
        counter.stop()
        return results.withLock { $0.map { $0! } }
    }

    private static func attempt(_ item: BatchItem, log: Log, _ process: (BatchItem, Log) throws -> Void) -> BatchOutcome {
        let start = Date()
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: item.output).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try process(item, log.about(item.file))
        } catch {
            let reason = "\(error)"
            Log.error("FAILED \(item.file): \(reason)")
            return outcome(item, .failed, seconds: Date().timeIntervalSince(start), error: reason)
        }
        let seconds = Date().timeIntervalSince(start)
        log.info("SUCCESS \(item.file) → \(item.output) (\(String(format: "%.1f", seconds)) s)")
        return outcome(item, .success, seconds: seconds)
    }

    private static func outcome(_ item: BatchItem, _ status: BatchOutcome.Status, seconds: Double? = nil,
                                error: String? = nil) -> BatchOutcome {
        BatchOutcome(file: item.file, input: item.input, output: item.output, status: status, prompt: item.prompt,
                     seconds: seconds, error: error)
    }
}
