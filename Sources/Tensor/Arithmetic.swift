/// Differentiable broadcasting arithmetic and scalar affine maps.
extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable {
        record(Elementwise.add(a.value, b.value), inputs: [a, b]) { needs in
            let aShape = a.shape, bShape = b.shape
            return { grad in
                [needs[0] ? Broadcasting.reduce(grad, to: aShape) : nil,
                 needs[1] ? Broadcasting.reduce(grad, to: bShape) : nil]
            }
        }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        record(Elementwise.subtract(a.value, b.value), inputs: [a, b]) { needs in
            let aShape = a.shape, bShape = b.shape
            return { grad in
                [needs[0] ? Broadcasting.reduce(grad, to: aShape) : nil,
                 needs[1] ? Broadcasting.reduce(Elementwise.affine(grad, scale: -1), to: bShape) : nil]
            }
        }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        record(Elementwise.multiply(a.value, b.value), inputs: [a, b]) { needs in
            let aValue = needs[1] ? a.value : nil, bValue = needs[0] ? b.value : nil
            let aShape = a.shape, bShape = b.shape
            return { grad in
                [bValue.map { Broadcasting.reduce(Elementwise.multiply(grad, $0), to: aShape) },
                 aValue.map { Broadcasting.reduce(Elementwise.multiply(grad, $0), to: bShape) }]
            }
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        let quotient = Elementwise.divide(a.value, b.value)
        return record(quotient, inputs: [a, b]) { needs in
            let bValue = b.value, aShape = a.shape, bShape = b.shape
            let saved = needs[1] ? quotient : nil
            return { grad in
                let scaled = Elementwise.divide(grad, bValue)
                return [needs[0] ? Broadcasting.reduce(scaled, to: aShape) : nil,
                        saved.map { Broadcasting.reduce(Elementwise.affine(Elementwise.multiply(scaled, $0), scale: -1), to: bShape) }]
            }
        }
    }

    /// scale · x + shift.
    public func affine(scale: Float, shift: Float = 0) -> Variable {
        Variable.record(Elementwise.affine(value, scale: scale, shift: shift), inputs: [self]) { _ in
            { grad in [Elementwise.affine(grad, scale: scale)] }
        }
    }

    public static func * (x: Variable, scale: Float) -> Variable { x.affine(scale: scale) }
    public static prefix func - (x: Variable) -> Variable { x.affine(scale: -1) }

    /// x².
    public func squared() -> Variable {
        let x = value
        return Variable.record(Elementwise.multiply(x, x), inputs: [self]) { _ in
            { grad in [Elementwise.combine(grad, x, { $0 * $1 * Vec(repeating: 2) }, scalar: { $0 * $1 * 2 })] }
        }
    }

    /// √x (the gradient at 0 is infinite; callers add an epsilon first).
    public func squareRoot() -> Variable {
        let root = Elementwise.map(value, { $0.squareRoot() }, scalar: { $0.squareRoot() })
        return Variable.record(root, inputs: [self]) { _ in
            { grad in [Elementwise.combine(grad, root, { $0 / ($1 + $1) }, scalar: { $0 / ($1 + $1) })] }
        }
    }
}
