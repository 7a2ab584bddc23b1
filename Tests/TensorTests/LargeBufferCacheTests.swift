import Foundation
import Synchronization
import Testing
import Tensor

@Suite struct LargeBufferCacheTests {
    static let mib = 1 << 20

    @Test func freedBufferIsHandedOutAgainForItsSizeOnly() {
        let cache = LargeBufferCache(capacity: 64 * Self.mib)
        let first = cache.allocate(byteCount: 5 * Self.mib)
        #expect(Int(bitPattern: first) % (2 * Self.mib) == 0, "huge-page aligned")
        cache.release(first, byteCount: 5 * Self.mib)
        #expect(cache.cachedBytes == LargeBufferCache.roundedSize(5 * Self.mib))
        let other = cache.allocate(byteCount: 5 * Self.mib + 4096)
        #expect(other != first, "a request one page larger does not take the buffer")
        #expect(cache.reuseCount == 0)
        let again = cache.allocate(byteCount: 5 * Self.mib - 12)
        #expect(again == first, "the same number of pages reuses the buffer")
        #expect(cache.reuseCount == 1)
        #expect(cache.cachedBytes == 0)
        cache.release(again, byteCount: 5 * Self.mib)
        cache.release(other, byteCount: 5 * Self.mib + 4096)
    }

    @Test func oldestBuffersAreFreedBeyondCapacity() {
        let cache = LargeBufferCache(capacity: 8 * Self.mib)
        let buffers = (0..<3).map { _ in cache.allocate(byteCount: 4 * Self.mib) }
        for buffer in buffers { cache.release(buffer, byteCount: 4 * Self.mib) }
        #expect(cache.cachedBytes == 8 * Self.mib)
        let reused = [cache.allocate(byteCount: 4 * Self.mib), cache.allocate(byteCount: 4 * Self.mib)]
        #expect(Set(reused) == Set(buffers[1...]), "the oldest of the three went back to the system")
        #expect(cache.cachedBytes == 0)
        let huge = cache.allocate(byteCount: 16 * Self.mib)
        cache.release(huge, byteCount: 16 * Self.mib)
        #expect(cache.cachedBytes == 0, "a buffer over the capacity is not kept")
        for buffer in reused { cache.release(buffer, byteCount: 4 * Self.mib) }
    }

    /// A reused buffer holds its last tensor's values; every initialiser must overwrite them.
    @Test func largeTensorsStartFromTheirInitialiserAfterReuse() {
        let shape = [3, LargeBufferCache.threshold / 4]
        for _ in 0..<3 {
            var dirty = Tensor(repeating: 7, shape: shape)
            dirty.withUnsafeMutableBufferPointer { $0[$0.count - 1] = .nan }
        }
        let zeros = Tensor(zeros: shape)
        #expect(zeros.scalars.allSatisfy { $0 == 0 })
        let filled = Tensor(repeating: -2, shape: shape)
        #expect(filled.scalars.allSatisfy { $0 == -2 })
    }

    /// The engine's workers free and request large tensors at the same time: no buffer may go to two holders, and
    /// the cache stays within its capacity. Each holder writes its own tag into the buffer's first and last words and
    /// checks that both are still there before giving the buffer back.
    @Test func concurrentHoldersNeverShareABuffer() {
        let cache = LargeBufferCache(capacity: 12 * Self.mib)
        let sizes = [4 * Self.mib, 6 * Self.mib]
        let clashes = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<40 {
                let bytes = sizes[(worker + round) % 2]
                let buffer = cache.allocate(byteCount: bytes).bindMemory(to: Int.self, capacity: bytes / 8)
                let tag = worker << 16 | round, last = bytes / 8 - 1
                buffer[0] = tag
                buffer[last] = tag
                usleep(20)
                if buffer[0] != tag || buffer[last] != tag { clashes.add(1, ordering: .relaxed) }
                cache.release(UnsafeMutableRawPointer(buffer), byteCount: bytes)
            }
        }
        #expect(clashes.load(ordering: .relaxed) == 0)
        #expect(cache.cachedBytes <= cache.capacity)
        #expect(cache.reuseCount > 0, "the rounds reused freed buffers")
    }
}
