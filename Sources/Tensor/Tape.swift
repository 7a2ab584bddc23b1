/// Records differentiable operations for one reverse pass.
///
/// Only operations that depend on a tape's leaves are recorded; anything computed from constants alone (weights,
/// text embeddings, schedule tables) stays off the tape and keeps nothing alive. Each record keeps exactly what its
/// backward needs (an op looks at which inputs need gradients before choosing what to save), and the reverse pass
/// drops each record as soon as it has run, so peak memory falls as the pass proceeds. A forward that stops early
/// (the guidance forward that ends at block L) records nothing past the point it stopped.
public final class Tape {
    @usableFromInline
    typealias Backward = (Tensor) -> [Tensor?]

    @usableFromInline
    struct Record {
        let inputs: [Int]
        let backward: Backward?
    }

    @usableFromInline var records: [Record?] = []
    private var consumed = false

    public init() {}

    /// Operations recorded so far (leaves included); for tests that count what a forward keeps.
    public var recordCount: Int { records.count }

    /// A leaf: gradients are computed with respect to it.
    public func variable(_ value: Tensor) -> Variable {
        precondition(!consumed, "tape already used for a gradient")
        records.append(Record(inputs: [], backward: nil))
        return Variable(value: value, tape: self, id: records.count - 1)
    }

    @usableFromInline
    func record(_ value: Tensor, inputs: [Int], backward: @escaping Backward) -> Variable {
        precondition(!consumed, "tape already used for a gradient")
        records.append(Record(inputs: inputs, backward: backward))
        return Variable(value: value, tape: self, id: records.count - 1)
    }

    /// d(output)/d(each of `inputs`), seeded with `seed` (ones when `output` is a scalar and no seed is given).
    /// A tape supports one reverse pass; it frees its records while running it.
    public func gradient(of output: Variable, wrt inputs: [Variable], seed: Tensor? = nil) -> [Tensor] {
        precondition(!consumed, "tape already used for a gradient")
        precondition(output.tape === self, "output was not recorded on this tape")
        for input in inputs { precondition(input.tape === self, "an input was not recorded on this tape") }
        consumed = true
        let start = seed ?? {
            precondition(output.value.count == 1, "gradient of a non-scalar output needs a seed")
            return Tensor(repeating: 1, shape: output.value.shape)
        }()
        precondition(start.shape == output.value.shape, "seed shape \(start.shape) for output \(output.value.shape)")

        let wanted = Set(inputs.map(\.id))
        var grads = [Tensor?](repeating: nil, count: output.id + 1)
        grads[output.id] = start
        for id in stride(from: output.id, through: 0, by: -1) {
            guard let record = records[id] else { continue }
            records[id] = nil
            guard let grad = grads[id], let backward = record.backward else { continue }
            if !wanted.contains(id) { grads[id] = nil }
            let inputGrads = backward(grad)
            precondition(inputGrads.count == record.inputs.count, "backward returned \(inputGrads.count) gradients")
            for (inputID, inputGrad) in zip(record.inputs, inputGrads) where inputID >= 0 {
                guard let inputGrad else { continue }
                if let existing = grads[inputID] {
                    grads[inputID] = Elementwise.add(existing, inputGrad)
                } else {
                    grads[inputID] = inputGrad
                }
            }
        }
        records.removeAll()
        return inputs.map { grads[$0.id] ?? Tensor(zeros: $0.value.shape) }
    }
}

/// A tensor in a differentiable computation: a constant (no tape) or a value recorded on a tape.
public struct Variable {
    public let value: Tensor
    public let tape: Tape?
    @usableFromInline let id: Int

    /// A constant: no gradient flows to it.
    public init(_ value: Tensor) {
        self.value = value
        tape = nil
        id = -1
    }

    @usableFromInline
    init(value: Tensor, tape: Tape, id: Int) {
        self.value = value
        self.tape = tape
        self.id = id
    }

    public var shape: [Int] { value.shape }
    public var needsGradient: Bool { tape != nil }
}

extension Variable {
    /// Records an op whose value is `value`. `makeBackward` is called only when at least one input needs a gradient;
    /// it receives which ones do, so it can save only what their gradients need, and returns the backward closure
    /// (upstream gradient → one gradient or nil per input).
    @inlinable
    static func record(
        _ value: Tensor, inputs: [Variable?], makeBackward: ([Bool]) -> (Tensor) -> [Tensor?]
    ) -> Variable {
        var tape: Tape?
        for case let input? in inputs {
            guard let inputTape = input.tape else { continue }
            if let tape { precondition(tape === inputTape, "inputs recorded on different tapes") }
            tape = inputTape
        }
        guard let tape else { return Variable(value) }
        let needs = inputs.map { $0?.needsGradient ?? false }
        return tape.record(value, inputs: inputs.map { $0?.needsGradient == true ? $0!.id : -1 }, backward: makeBackward(needs))
    }
}
