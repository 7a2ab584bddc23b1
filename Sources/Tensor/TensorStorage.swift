import Foundation

/// The reference-counted buffer behind one or more `Tensor` values. 64-byte aligned so SIMD loads of
/// a tensor's first element never straddle a cache line.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        precondition(count >= 0, "negative element count")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
