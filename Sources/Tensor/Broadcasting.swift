/// NumPy broadcasting rules, and the reduction that undoes a broadcast in a backward pass.
public enum Broadcasting {
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        return (0..<rank).map { axis in
            let x = axis - (rank - a.count) >= 0 ? a[axis - (rank - a.count)] : 1
            let y = axis - (rank - b.count) >= 0 ? b[axis - (rank - b.count)] : 1
            precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
            return max(x, y)
        }
    }

    /// Sums `gradient` (shaped like a broadcast result) back down to `shape`.
    public static func reduce(_ gradient: Tensor, to shape: [Int]) -> Tensor {
        if gradient.shape == shape { return gradient }
        let lead = gradient.rank - shape.count
        var axes: [Int] = Array(0..<lead)
        for axis in 0..<shape.count where shape[axis] == 1 && gradient.shape[lead + axis] != 1 {
            axes.append(lead + axis)
        }
        return Reduction.sum(gradient, axes: axes).reshaped(shape)
    }
}
