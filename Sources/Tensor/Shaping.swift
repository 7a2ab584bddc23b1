/// Differentiable views and layout changes: reshape, permute, slice, concatenate.
extension Variable {
    public func reshaped(_ shape: [Int]) -> Variable {
        let original = self.shape
        return Variable.record(value.reshaped(shape), inputs: [self]) { _ in { grad in [grad.reshaped(original)] } }
    }

    /// Axis `i` of the result is axis `order[i]` of `self` (a view; `contiguous()` materialises it).
    public func permuted(_ order: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return Variable.record(value.permuted(order), inputs: [self]) { _ in { grad in [grad.permuted(inverse)] } }
    }

    /// Dense storage for a view, so the kernels after it read memory in order.
    public func contiguous() -> Variable {
        Variable.record(value.contiguous(), inputs: [self]) { _ in { grad in [grad] } }
    }

    public func sliced(axis: Int, _ range: Range<Int>) -> Variable {
        let shape = self.shape
        return Variable.record(value.sliced(axis: axis, range), inputs: [self]) { _ in
            { grad in [Concatenation.padded(grad, axis: axis, range: range, size: shape[axis])] }
        }
    }

    /// Concatenates along `axis`; every other axis must agree.
    public static func concatenate(_ parts: [Variable], axis: Int) -> Variable {
        let value = Concatenation.forward(parts.map(\.value), axis: axis)
        let sizes = parts.map { $0.shape[axis] }
        return record(value, inputs: parts) { needs in
            { grad in
                var start = 0
                return zip(sizes, needs).map { size, need in
                    defer { start += size }
                    return need ? grad.sliced(axis: axis, start..<(start + size)).contiguous() : nil
                }
            }
        }
    }
}

/// Concatenation and its adjoint (placing a slice's gradient into zeros of the full size).
public enum Concatenation {
    public static func forward(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate of nothing")
        var shape = parts[0].shape
        for part in parts {
            precondition(part.rank == shape.count, "concatenate ranks differ")
            for a in 0..<shape.count where a != axis {
                precondition(part.shape[a] == shape[a], "concatenate shapes \(parts[0].shape) and \(part.shape)")
            }
        }
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        var out = Tensor(uninitializedShape: shape)
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        out.withUnsafeMutableBufferPointer { po in
            var start = 0
            for part in parts {
                let size = part.shape[axis]
                part.withUnsafeBufferPointer { pp in
                    for o in 0..<outer {
                        (po.baseAddress! + (o * shape[axis] + start) * inner)
                            .update(from: pp.baseAddress! + o * size * inner, count: size * inner)
                    }
                }
                start += size
            }
        }
        return out
    }

    /// Zeros of `size` along `axis` with `slice` written at `range`.
    public static func padded(_ slice: Tensor, axis: Int, range: Range<Int>, size: Int) -> Tensor {
        var shape = slice.shape
        shape[axis] = size
        var parts: [Tensor] = []
        if range.lowerBound > 0 {
            var before = shape
            before[axis] = range.lowerBound
            parts.append(Tensor(zeros: before))
        }
        parts.append(slice)
        if range.upperBound < size {
            var after = shape
            after[axis] = size - range.upperBound
            parts.append(Tensor(zeros: after))
        }
        return forward(parts, axis: axis)
    }
}
