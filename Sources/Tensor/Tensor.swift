import Foundation

/// A Float32 tensor: a shape, strides (in elements) and an offset into shared storage.
///
/// Views (`reshaped` of a contiguous tensor, `permuted`, `sliced`) share storage and cost nothing; kernels read
/// their inputs through `contiguous()`, which copies only when the layout is not already dense row-major.
/// Writing through `withUnsafeMutableBufferPointer` copies first when the storage is shared (copy on write), so a
/// `Tensor` behaves as a value.
public struct Tensor: @unchecked Sendable {
    public private(set) var shape: [Int]
    public private(set) var strides: [Int]
    @usableFromInline var offset: Int
    @usableFromInline var storage: TensorStorage

    /// Uninitialised contents: for kernels that write every element.
    public init(uninitializedShape shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        strides = Tensor.rowMajorStrides(shape)
        offset = 0
        storage = TensorStorage(count: shape.reduce(1, *))
    }

    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    public init(repeating value: Float, shape: [Int]) {
        self.init(uninitializedShape: shape)
        storage.pointer.initialize(repeating: value, count: storage.count)
    }

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count, "\(scalars.count) scalars for shape \(shape)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: $0.count) }
    }

    public init(scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    @usableFromInline
    init(shape: [Int], strides: [Int], offset: Int, storage: TensorStorage) {
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.storage = storage
    }

    @inlinable public var rank: Int { shape.count }
    @inlinable public var count: Int { shape.reduce(1, *) }

    @inlinable
    public static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Dense row-major (size-1 axes may have any stride).
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// The same values in dense row-major storage; `self` when it already is.
    public func contiguous() -> Tensor {
        if isContiguous { return Tensor(shape: shape, strides: Tensor.rowMajorStrides(shape), offset: offset, storage: storage) }
        var out = Tensor(uninitializedShape: shape)
        StridedCopy.copy(from: self, into: out.storage.pointer)
        out.offset = 0
        return out
    }

    // MARK: raw access

    /// Contiguous read access. Views that are not contiguous are copied first (see `contiguous()`).
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let dense = contiguous()
        return try body(UnsafeBufferPointer(start: dense.storage.pointer + dense.offset, count: dense.count))
    }

    /// Contiguous write access to storage owned by this value alone (copied first when shared or strided).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) || !isContiguous || offset != 0 || storage.count != count {
            let copy = contiguous()
            self = Tensor(uninitializedShape: shape)
            storage.pointer.update(from: copy.storage.pointer + copy.offset, count: count)
        }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// The single value of a tensor with one element.
    public var item: Float {
        precondition(count == 1, "item of a tensor with \(count) elements")
        return storage.pointer[offset]
    }

    public subscript(indices: Int...) -> Float {
        precondition(indices.count == rank, "\(indices.count) indices for rank \(rank)")
        var position = offset
        for (axis, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[axis], "index \(index) out of range for axis \(axis) of \(shape)")
            position += index * strides[axis]
        }
        return storage.pointer[position]
    }

    // MARK: views

    /// A view with a new shape; one dimension may be -1. Copies only if `self` is not contiguous.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        let dense = contiguous()
        return Tensor(shape: resolved, strides: Tensor.rowMajorStrides(resolved), offset: dense.offset, storage: dense.storage)
    }

    /// A view with the axes reordered: axis `i` of the result is axis `order[i]` of `self`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "\(order) is not a permutation of the \(rank) axes")
        return Tensor(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset, storage: storage)
    }

    /// A view of `range` along `axis`.
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < rank, "axis \(axis) of rank \(rank)")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "slice \(range) of axis size \(shape[axis])")
        var newShape = shape
        newShape[axis] = range.count
        return Tensor(shape: newShape, strides: strides, offset: offset + range.lowerBound * strides[axis], storage: storage)
    }

    /// A view with a size-1 axis at `axis`.
    public func unsqueezed(_ axis: Int) -> Tensor {
        var newShape = shape, newStrides = strides
        newShape.insert(1, at: axis)
        newStrides.insert(axis < rank ? strides[axis] * shape[axis] : 1, at: axis)
        return Tensor(shape: newShape, strides: newStrides, offset: offset, storage: storage)
    }

    /// A view broadcast to `target` (size-1 or missing leading axes get stride 0). Read-only by construction.
    public func broadcast(to target: [Int]) -> Tensor {
        precondition(target.count >= rank, "cannot broadcast \(shape) to \(target)")
        let lead = target.count - rank
        var newStrides = [Int](repeating: 0, count: target.count)
        for axis in 0..<rank {
            if shape[axis] == target[lead + axis] { newStrides[lead + axis] = strides[axis] }
            else { precondition(shape[axis] == 1, "cannot broadcast \(shape) to \(target)") }
        }
        return Tensor(shape: target, strides: newStrides, offset: offset, storage: storage)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = scalars
        let shown = values.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(values.count > 8 ? ", …" : "")]"
    }
}
