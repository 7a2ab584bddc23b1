import Foundation

/// The reference-counted buffer behind one or more `Tensor` values. 64-byte aligned so SIMD loads of
/// a tensor's first element never straddle a cache line; buffers of `LargeBufferCache.threshold` bytes or more
/// come from (and go back to) `LargeBufferCache.shared`.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = bytes >= LargeBufferCache.threshold
            ? LargeBufferCache.shared.allocate(byteCount: bytes)
            : UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        if bytes >= LargeBufferCache.threshold {
            LargeBufferCache.shared.release(UnsafeMutableRawPointer(pointer), byteCount: bytes)
        } else {
            UnsafeMutableRawPointer(pointer).deallocate()
        }
    }
}
