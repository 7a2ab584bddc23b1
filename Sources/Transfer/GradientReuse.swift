import Tensor

/// FastVMT's step skipping: consecutive gradients of the guidance loss point almost the same way, so a fresh one is
/// computed only every `interval`-th iteration (always at a step's first) and the cached one is applied otherwise.
/// Each fresh gradient's cosine similarity to the one it replaces is recorded: the evidence that reuse is safe.
public struct GradientReuse {
    public let interval: Int
    private var cached: Tensor?
    public private(set) var freshCount = 0
    public private(set) var reusedCount = 0
    public private(set) var cosines: [Float] = []

    public init(interval: Int) {
        precondition(interval >= 1, "interval \(interval)")
        self.interval = interval
    }

    public func needsFresh(iteration: Int) -> Bool { cached == nil || iteration % interval == 0 }

    /// The gradient to apply at `iteration`: `compute()` when a fresh one is due, the cached one otherwise.
    public mutating func gradient(iteration: Int, compute: () -> Tensor) -> Tensor {
        guard needsFresh(iteration: iteration) else {
            reusedCount += 1
            return cached!
        }
        let fresh = compute()
        if let cached { cosines.append(Self.cosine(fresh, cached)) }
        cached = fresh
        freshCount += 1
        return fresh
    }

    static func cosine(_ a: Tensor, _ b: Tensor) -> Float {
        var dot = 0.0, na = 0.0, nb = 0.0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                for i in pa.indices {
                    dot += Double(pa[i]) * Double(pb[i])
                    na += Double(pa[i]) * Double(pa[i])
                    nb += Double(pb[i]) * Double(pb[i])
                }
            }
        }
        return na > 0 && nb > 0 ? Float(dot / (na * nb).squareRoot()) : 0
    }
}
