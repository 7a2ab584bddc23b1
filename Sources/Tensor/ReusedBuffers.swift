import Synchronization

/// Buffers given back by one call for the next: the transposed layouts of `FrameForward` are a megabyte or two per
/// worker, and freed to glibc they went back to the kernel, so that every call paid page faults for them (7 % of
/// the forward pass at d = 128).
final class ReusedBuffers: Sendable {
    static let shared = ReusedBuffers()
    /// Two per worker on a 2-core machine, with room to spare.
    static let kept = 8

    private struct Entry {
        let address: Int, bytes: Int
    }

    private let free = Mutex<[Entry]>([])

    /// 64-byte aligned; zeros when new, else whatever its last user left.
    func take(bytes: Int) -> UnsafeMutableRawPointer {
        let address = free.withLock { entries -> Int? in
            guard let i = entries.firstIndex(where: { $0.bytes == bytes }) else { return nil }
            return entries.remove(at: i).address
        }
        if let address, let pointer = UnsafeMutableRawPointer(bitPattern: address) { return pointer }
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        return pointer
    }

    func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let evicted = free.withLock { entries -> Int? in
            entries.append(Entry(address: Int(bitPattern: pointer), bytes: bytes))
            return entries.count > Self.kept ? entries.removeFirst().address : nil
        }
        if let evicted { UnsafeMutableRawPointer(bitPattern: evicted)?.deallocate() }
    }
}
