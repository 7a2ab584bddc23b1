/// Matrix products through `GEMM`: batched (equal leading axes) or with a shared right-hand matrix, whose leading
/// axes fold into M so the whole batch is one call.
public enum MatMul {
    /// op(a) · op(b): a [..., M, K] ([..., K, M] when `transposeA`), b [..., K, N] or [K, N] ([N, K] when
    /// `transposeB`) → [..., M, N].
    public static func forward(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul of ranks \(a.rank) and \(b.rank)")
        let a = a.contiguous(), b = b.contiguous()
        let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        precondition(k == kb, "matmul inner dimensions \(k) and \(kb) differ (\(a.shape) · \(b.shape))")
        let batchShape = Array(a.shape.dropLast(2))
        let sharedB = b.rank == 2
        precondition(sharedB || Array(b.shape.dropLast(2)) == batchShape, "matmul batch shapes \(a.shape) and \(b.shape)")
        let batch = batchShape.reduce(1, *)
        var out = Tensor(uninitializedShape: batchShape + [m, n])
        let lda = a.shape[a.rank - 1], ldb = b.shape[b.rank - 1]
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, pc = pc.baseAddress!
                    if sharedB && !transposeA {
                        // [batch·M, K] · op(B): one call for the whole batch.
                        GEMM.multiply(transA: false, transB: transposeB, m: batch * m, n: n, k: k,
                                      a: pa, lda: lda, b: pb, ldb: ldb, c: pc, ldc: n)
                        return
                    }
                    let strideA = m * k, strideB = sharedB ? 0 : k * n, strideC = m * n
                    let one = { (i: Int, threaded: Bool) in
                        GEMM.multiply(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                                      a: pa + i * strideA, lda: lda, b: pb + i * strideB, ldb: ldb,
                                      c: pc + i * strideC, ldc: n, threaded: threaded)
                    }
                    if batch >= Parallel.workers && m * n * k < GEMM.parallelThreshold * Parallel.workers {
                        Parallel.forEach(batch) { one($0, false) }
                    } else {
                        for i in 0..<batch { one(i, true) }
                    }
                }
            }
        }
        return out
    }

    /// x · Wᵀ + bias: x [..., in], weight [out, in], bias [out] → [..., out] (PyTorch's nn.Linear layout).
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
        precondition(x.shape.last == inFeatures, "linear: input \(x.shape) for weight \(weight.shape)")
        let rows = x.count / inFeatures
        var out = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outFeatures])
        let x = x.contiguous(), weight = weight.contiguous()
        out.withUnsafeMutableBufferPointer { po in
            let pc = po.baseAddress!
            if let bias {
                precondition(bias.shape == [outFeatures], "linear: bias \(bias.shape) for \(outFeatures) outputs")
                bias.withUnsafeBufferPointer { pb in
                    for r in 0..<rows { (pc + r * outFeatures).update(from: pb.baseAddress!, count: outFeatures) }
                }
            }
            x.withUnsafeBufferPointer { px in
                weight.withUnsafeBufferPointer { pw in
                    GEMM.multiply(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
                                  a: px.baseAddress!, lda: inFeatures, b: pw.baseAddress!, ldb: inFeatures,
                                  beta: bias == nil ? 0 : 1, c: pc, ldc: outFeatures)
                }
            }
        }
        return out
    }
}

extension Variable {
    /// op(a) · op(b); see `MatMul.forward` for the shapes.
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let value = MatMul.forward(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
        return record(value, inputs: [a, b]) { needs in
            let aValue = needs[1] ? a.value : nil, bValue = needs[0] ? b.value : nil
            let sharedB = b.value.rank == 2 && a.value.rank > 2
            precondition(!(sharedB && transposeA), "matmul gradient with a transposed batched left side and a shared right side")
            return { grad in
                var gradA: Tensor?, gradB: Tensor?
                if let bValue {
                    gradA = transposeA
                        ? MatMul.forward(bValue, grad, transposeA: transposeB, transposeB: true)
                        : MatMul.forward(grad, bValue, transposeB: !transposeB)
                }
                if let aValue {
                    let k = transposeA ? aValue.shape[aValue.rank - 2] : aValue.shape[aValue.rank - 1]
                    let left = sharedB ? aValue.reshaped([-1, k]) : aValue
                    let upstream = sharedB ? grad.reshaped([-1, grad.shape[grad.rank - 1]]) : grad
                    gradB = transposeB
                        ? MatMul.forward(upstream, left, transposeA: true, transposeB: transposeA)
                        : MatMul.forward(left, upstream, transposeA: !transposeA)
                }
                return [gradA, gradB]
            }
        }
    }

    /// x · Wᵀ + bias (nn.Linear).
    public static func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
        let value = MatMul.linear(x.value, weight: weight.value, bias: bias?.value)
        return record(value, inputs: [x, weight, bias]) { needs in
            let xValue = needs[1] ? x.value : nil, wValue = needs[0] ? weight.value : nil
            let xShape = x.value.shape
            return { grad in
                let outFeatures = grad.shape[grad.rank - 1]
                let flat = grad.reshaped([-1, outFeatures])
                let gradX = wValue.map { MatMul.forward(flat, $0).reshaped(xShape) }
                let gradW = xValue.map { MatMul.forward(flat, $0.reshaped([-1, xShape[xShape.count - 1]]), transposeA: true) }
                let gradBias = needs[2] ? Reduction.sum(flat, axes: [0]) : nil
                return [gradX, gradW, gradBias]
            }
        }
    }
}
