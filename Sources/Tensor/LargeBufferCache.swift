import Foundation
import Synchronization

/// Storage for tensors of several megabytes, kept for reuse when freed.
///
/// A buffer that large is fresh pages from the kernel every time (glibc maps anything over 32 MB, and the heap
/// trims big freed blocks), and with 4 KiB pages the first touch of 56 MB — one [1560, 8960] GEMM output — took
/// 34 ms of page faults on the 2-core VM, about 14 % of the 240 ms GEMM that fills it. A forward, a denoising step
/// and an optimiser iteration allocate the same sizes as the last one did, so freed buffers wait here (up to
/// `capacity` bytes, the oldest given back first) for the next request of their size. New ones are 2 MiB-aligned
/// and advised as transparent huge pages, which made that first touch about 6× cheaper. Sizes are rounded to 4 KiB
/// pages only: a last huge page that a buffer fills in part would be resident in full, and rounding every large
/// weight of Wan-1.3B up to whole huge pages held 0.33 GiB more at its peak.
public final class LargeBufferCache: Sendable {
    /// Requests below this go to malloc, whose heap already reuses small blocks.
    public static let threshold = 4 << 20
    static let hugePage = 2 << 20
    static let page = 4 << 10

    /// The cache `TensorStorage` uses: an eighth of physical memory, at most 1 GiB.
    public static let shared = LargeBufferCache(capacity: min(1 << 30, Int(ProcessInfo.processInfo.physicalMemory / 8)))

    public let capacity: Int

    private struct Entry {
        let bytes: Int
        let address: Int
    }

    private struct State {
        /// Oldest first.
        var entries: [Entry] = []
        var bytes = 0
        var reused = 0
    }

    private let state = Mutex(State())

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// What a request of `byteCount` bytes takes: whole 4 KiB pages.
    public static func roundedSize(_ byteCount: Int) -> Int {
        (byteCount + page - 1) / page * page
    }

    /// A buffer of at least `byteCount` (≥ `threshold`) bytes, 2 MiB-aligned, contents undefined.
    public func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let bytes = Self.roundedSize(byteCount)
        let cached: Int? = state.withLock { state in
            guard let index = state.entries.lastIndex(where: { $0.bytes == bytes }) else { return nil }
            state.bytes -= bytes
            state.reused += 1
            return state.entries.remove(at: index).address
        }
        if let cached { return UnsafeMutableRawPointer(bitPattern: cached)! }
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, Self.hugePage, bytes) == 0, let pointer else {
            fatalError("out of memory allocating \(bytes) bytes")
        }
        #if os(Linux)
        madvise(pointer, bytes, MADV_HUGEPAGE)
        #endif
        return pointer
    }

    /// Takes back a buffer `allocate(byteCount:)` returned, keeping it unless it alone exceeds `capacity`.
    public func release(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let bytes = Self.roundedSize(byteCount)
        guard bytes <= capacity else {
            free(pointer)
            return
        }
        let evicted: [Entry] = state.withLock { state in
            state.entries.append(Entry(bytes: bytes, address: Int(bitPattern: pointer)))
            state.bytes += bytes
            var dropped = 0
            var freed = 0
            while state.bytes - freed > capacity {
                freed += state.entries[dropped].bytes
                dropped += 1
            }
            state.bytes -= freed
            defer { state.entries.removeFirst(dropped) }
            return Array(state.entries.prefix(dropped))
        }
        for entry in evicted { free(UnsafeMutableRawPointer(bitPattern: entry.address)) }
    }

    /// Bytes held for reuse now.
    public var cachedBytes: Int { state.withLock { $0.bytes } }

    /// Requests served from the cache so far.
    public var reuseCount: Int { state.withLock { $0.reused } }
}
