/// GELU (tanh approximation, as Wan's FFN and text projection use) and SiLU (the time-embedding MLP).
public enum Activations {
    @usableFromInline static let geluC: Float = 0.797_884_56  // √(2/π)
    @usableFromInline static let geluA: Float = 0.044_715

    public static func gelu(_ x: Tensor) -> Tensor {
        Elementwise.map(x, { v in
            let u = Vec(repeating: geluC) * (v + Vec(repeating: geluA) * v * v * v)
            return Vec(repeating: 0.5) * v * (Vec(repeating: 1) + VectorMath.tanh(u))
        }, scalar: { v in
            0.5 * v * (1 + VectorMath.tanh(geluC * (v + geluA * v * v * v)))
        })
    }

    /// dGELU/dx · upstream.
    public static func geluBackward(_ x: Tensor, upstream: Tensor) -> Tensor {
        Elementwise.combine(x, upstream, { v, g in
            let v2 = v * v
            let t = VectorMath.tanh(Vec(repeating: geluC) * (v + Vec(repeating: geluA) * v2 * v))
            let du = Vec(repeating: geluC) * (Vec(repeating: 1) + Vec(repeating: 3 * geluA) * v2)
            let d = Vec(repeating: 0.5) * (Vec(repeating: 1) + t) + Vec(repeating: 0.5) * v * (Vec(repeating: 1) - t * t) * du
            return d * g
        }, scalar: { v, g in
            let t = VectorMath.tanh(geluC * (v + geluA * v * v * v))
            return (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * geluC * (1 + 3 * geluA * v * v)) * g
        })
    }

    public static func silu(_ x: Tensor) -> Tensor {
        Elementwise.map(x, { $0 * VectorMath.sigmoid($0) }, scalar: { $0 * VectorMath.sigmoid($0) })
    }

    public static func siluBackward(_ x: Tensor, upstream: Tensor) -> Tensor {
        Elementwise.combine(x, upstream, { v, g in
            let s = VectorMath.sigmoid(v)
            return g * s * (Vec(repeating: 1) + v * (Vec(repeating: 1) - s))
        }, scalar: { v, g in
            let s = VectorMath.sigmoid(v)
            return g * s * (1 + v * (1 - s))
        })
    }
}

extension Variable {
    public func gelu() -> Variable {
        let x = value
        return Variable.record(Activations.gelu(x), inputs: [self]) { _ in
            { grad in [Activations.geluBackward(x, upstream: grad)] }
        }
    }

    public func silu() -> Variable {
        let x = value
        return Variable.record(Activations.silu(x), inputs: [self]) { _ in
            { grad in [Activations.siluBackward(x, upstream: grad)] }
        }
    }
}
