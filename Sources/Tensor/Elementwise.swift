/// A binary operation on lanes and on scalars (the scalar form serves loop tails).
public protocol BinaryKernel {
    static func apply(_ a: Vec, _ b: Vec) -> Vec
    static func apply(_ a: Float, _ b: Float) -> Float
}

public enum AddKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a + b }
    @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a + b }
}
public enum SubtractKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a - b }
    @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a - b }
}
public enum MultiplyKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a * b }
    @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a * b }
}
public enum DivideKernel: BinaryKernel {
    @inlinable @inline(__always) public static func apply(_ a: Vec, _ b: Vec) -> Vec { a / b }
    @inlinable @inline(__always) public static func apply(_ a: Float, _ b: Float) -> Float { a / b }
}

/// Broadcasting elementwise arithmetic. The output is walked row by row (a row = the last axis); within a row each
/// operand advances by 1 (dense) or 0 (broadcast), and those two cases get vector loops.
public enum Elementwise {
    public static func add(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, AddKernel.self) }
    public static func subtract(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, SubtractKernel.self) }
    public static func multiply(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, MultiplyKernel.self) }
    public static func divide(_ a: Tensor, _ b: Tensor) -> Tensor { binary(a, b, DivideKernel.self) }

    @inlinable
    public static func binary<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _: K.Type) -> Tensor {
        let shape = Broadcasting.shape(a.shape, b.shape)
        var out = Tensor(uninitializedShape: shape)
        let count = out.count
        guard count > 0 else { return out }
        if a.shape == b.shape {
            let a = a.contiguous(), b = b.contiguous()
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { po in
                        let x = pa.baseAddress!, y = pb.baseAddress!, z = po.baseAddress!
                        Parallel.chunks(count, minimumWork: 1 << 16) { range in
                            row(x + range.lowerBound, 1, y + range.lowerBound, 1, z + range.lowerBound, range.count, K.self)
                        }
                    }
                }
            }
            return out
        }
        let av = a.broadcast(to: shape), bv = b.broadcast(to: shape)
        let inner = shape.last ?? 1
        let rows = count / inner
        let outer = Array(shape.dropLast())
        let aStrides = Array(av.strides.dropLast()), bStrides = Array(bv.strides.dropLast())
        let aInner = av.strides.last ?? 0, bInner = bv.strides.last ?? 0
        let aBase = av.storage.pointer + av.offset, bBase = bv.storage.pointer + bv.offset
        out.withUnsafeMutableBufferPointer { po in
            let z = po.baseAddress!
            Parallel.chunks(rows, minimumWork: 1 << 16, workPerItem: inner) { range in
                var walk = RowWalk(outer: outer, stridesA: aStrides, stridesB: bStrides, row: range.lowerBound)
                for r in range {
                    row(aBase + walk.a, aInner, bBase + walk.b, bInner, z + r * inner, inner, K.self)
                    walk.next()
                }
            }
        }
        return out
    }

    @inlinable @inline(__always)
    static func row<K: BinaryKernel>(
        _ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>, _ bStride: Int,
        _ out: UnsafeMutablePointer<Float>, _ n: Int, _: K.Type
    ) {
        var i = 0
        switch (aStride, bStride) {
        case (1, 1):
            while i + 8 <= n {
                VectorMath.store(K.apply(VectorMath.load(a + i), VectorMath.load(b + i)), out + i)
                i += 8
            }
        case (1, 0):
            let bv = Vec(repeating: b[0])
            while i + 8 <= n {
                VectorMath.store(K.apply(VectorMath.load(a + i), bv), out + i)
                i += 8
            }
        case (0, 1):
            let av = Vec(repeating: a[0])
            while i + 8 <= n {
                VectorMath.store(K.apply(av, VectorMath.load(b + i)), out + i)
                i += 8
            }
        default:
            break
        }
        while i < n {
            out[i] = K.apply(a[i * aStride], b[i * bStride])
            i += 1
        }
    }

    /// a · x + b for every element.
    public static func affine(_ x: Tensor, scale: Float, shift: Float = 0) -> Tensor {
        map(x) { $0 * Vec(repeating: scale) + Vec(repeating: shift) } scalar: { $0 * scale + shift }
    }

    /// Applies a lane function to every element (the scalar form for the tail).
    @inlinable
    public static func map(_ x: Tensor, _ vector: (Vec) -> Vec, scalar: (Float) -> Float) -> Tensor {
        var out = Tensor(uninitializedShape: x.shape)
        let count = out.count
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                let src = px.baseAddress!, dst = po.baseAddress!
                Parallel.chunks(count, minimumWork: 1 << 15) { range in
                    var i = range.lowerBound
                    while i + 8 <= range.upperBound {
                        VectorMath.store(vector(VectorMath.load(src + i)), dst + i)
                        i += 8
                    }
                    while i < range.upperBound {
                        dst[i] = scalar(src[i])
                        i += 1
                    }
                }
            }
        }
        return out
    }

    /// Applies a two-input lane function to tensors of equal shape.
    @inlinable
    public static func combine(
        _ x: Tensor, _ y: Tensor, _ vector: (Vec, Vec) -> Vec, scalar: (Float, Float) -> Float
    ) -> Tensor {
        precondition(x.shape == y.shape, "shapes \(x.shape) and \(y.shape) differ")
        var out = Tensor(uninitializedShape: x.shape)
        let count = out.count
        x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                out.withUnsafeMutableBufferPointer { po in
                    let a = px.baseAddress!, b = py.baseAddress!, dst = po.baseAddress!
                    Parallel.chunks(count, minimumWork: 1 << 15) { range in
                        var i = range.lowerBound
                        while i + 8 <= range.upperBound {
                            VectorMath.store(vector(VectorMath.load(a + i), VectorMath.load(b + i)), dst + i)
                            i += 8
                        }
                        while i < range.upperBound {
                            dst[i] = scalar(a[i], b[i])
                            i += 1
                        }
                    }
                }
            }
        }
        return out
    }
}
