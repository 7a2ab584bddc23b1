import Foundation
import Synchronization

/// The threads behind `Parallel`: `Parallel.workers − 1` of them, the caller being the last.
///
/// An idle worker keeps polling for the next job for a while before it parks. A forward is a long run of parallel
/// regions a few microseconds apart, and waking a parked thread (which Dispatch's `concurrentPerform` does for
/// every region) takes about 40 µs on the 2-core VM the built-in model runs on: as long as a small model's GEMM,
/// so the second core used to join most regions after the caller had done them alone.
@usableFromInline
final class WorkerPool: @unchecked Sendable {
    /// No more threads than cores, even when `FASTVMT_THREADS` asks for more parts: a polling thread that shares
    /// a core with a working one only slows it down.
    @usableFromInline static let shared = WorkerPool(threads: min(Parallel.workers, ProcessInfo.processInfo.activeProcessorCount) - 1)

    /// How long an idle worker polls before parking: longer than the serial stretches between the regions of a
    /// forward, short enough that a process doing something else between forwards does not keep a core busy.
    static let pollingTime = Duration.microseconds(200)

    /// The low 32 bits of `state` when no iteration may be claimed: the job is finished or not yet published.
    private static let closed = 0xFFFF_FFFF

    /// generation << 32 | the next unclaimed iteration of that generation's job (or `closed`). Claiming an
    /// iteration is a compare-exchange on the whole word, so a claim succeeds only while its generation's job is
    /// still open; all of the job's words are sequentially consistent, which is what makes the body and count a
    /// worker read before a successful claim the ones of the job it claimed from.
    private let state = Atomic<Int>(WorkerPool.closed)
    /// The address of the running job's body (a `(Int) -> Void` on the caller's stack) and its iteration count.
    private let body = Atomic<Int>(0)
    private let count = Atomic<Int>(0)
    /// Claimed iterations of the running job not yet finished, plus those not yet claimed.
    private let pending = Atomic<Int>(0)
    /// Held by the thread running a job. A second caller, or a job's body calling `Parallel` again, finds it
    /// taken and runs its iterations itself.
    private let busy = Atomic<Bool>(false)
    private let parking = NSCondition()
    private var parked = 0  // guarded by `parking`
    private let threads: Int

    private init(threads: Int) {
        self.threads = threads
        for _ in 0..<threads {
            let worker = Thread { [unowned self] in work() }
            worker.name = "fastvmt-tensor"
            worker.start()
        }
    }

    /// Runs `body(i)` for every i in `0..<iterations` on the caller and the workers, returning when all are done.
    @usableFromInline
    func run(_ iterations: Int, _ body: (Int) -> Void) {
        guard threads > 0, iterations > 1, iterations < WorkerPool.closed,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<iterations { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            var job = body
            withUnsafeMutablePointer(to: &job) { address in
                let generation = (state.load(ordering: .sequentiallyConsistent) >> 32) + 1
                self.body.store(Int(bitPattern: address), ordering: .sequentiallyConsistent)
                count.store(iterations, ordering: .sequentiallyConsistent)
                pending.store(iterations, ordering: .sequentiallyConsistent)
                state.store(generation << 32, ordering: .sequentiallyConsistent)
                parking.lock()
                if parked > 0 { parking.broadcast() }
                parking.unlock()
                participate(from: generation << 32)
                while pending.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
                // Closing the job before the body goes out of scope: a worker that read its address but has not
                // claimed an iteration yet will now fail to.
                state.store(generation << 32 | WorkerPool.closed, ordering: .sequentiallyConsistent)
            }
        }
    }

    /// Runs `body` while holding the pool, so that no parallel region of this process runs beside it (theirs run
    /// on their callers alone meanwhile); false, without running it, when a region is running now.
    @usableFromInline
    func runAlone(_ body: () -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        body()
        return true
    }

    private func work() {
        var seen = 0
        while true {
            let current = nextJob(after: seen)
            seen = current >> 32
            participate(from: current)
        }
    }

    /// Claims and runs iterations of the job whose state was `current` until none are left to claim.
    private func participate(from current: Int) {
        var expected = current
        while true {
            let index = expected & WorkerPool.closed
            guard index != WorkerPool.closed else { return }
            let address = body.load(ordering: .sequentiallyConsistent)
            guard index < count.load(ordering: .sequentiallyConsistent) else { return }
            let (claimed, found) = state.compareExchange(expected: expected, desired: expected + 1, ordering: .sequentiallyConsistent)
            guard claimed else {
                guard found >> 32 == expected >> 32 else { return }
                expected = found
                continue
            }
            WorkerPool.perform(address, index)
            pending.subtract(1, ordering: .sequentiallyConsistent)
            expected += 1
        }
    }

    /// Out of line so that every retain and release of the body is over before the caller hears it is done.
    @inline(never)
    private static func perform(_ address: Int, _ index: Int) {
        UnsafePointer<(Int) -> Void>(bitPattern: address)!.pointee(index)
    }

    /// The state of the first job published after generation `seen`: polled for `pollingTime`, then waited for.
    /// Polling yields the core each time round, so other runnable threads (a second transfer job, another process)
    /// lose little to it.
    private func nextJob(after seen: Int) -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: WorkerPool.pollingTime)
        while clock.now < deadline {
            let current = state.load(ordering: .sequentiallyConsistent)
            if current >> 32 != seen { return current }
            sched_yield()
        }
        parking.lock()
        defer { parking.unlock() }
        parked += 1
        defer { parked -= 1 }
        while true {
            let current = state.load(ordering: .sequentiallyConsistent)
            if current >> 32 != seen { return current }
            parking.wait()
        }
    }
}
