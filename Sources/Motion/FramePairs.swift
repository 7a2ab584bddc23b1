/// The ordered frame pairs (i, j) whose motion is compared, and each pair's loss weight.
public struct FramePairs: Equatable, Sendable {
    public let pairs: [(query: Int, key: Int)]
    public let weights: [Float]

    public static func == (a: FramePairs, b: FramePairs) -> Bool {
        a.weights == b.weights && a.pairs.map { [$0.query, $0.key] } == b.pairs.map { [$0.query, $0.key] }
    }

    public var count: Int { pairs.count }

    /// Every ordered pair i ≠ j, weight 1 (DiTFlow's all-pairs flow; its i = j pairs carry no motion).
    public static func all(frames: Int) -> FramePairs {
        var pairs: [(Int, Int)] = []
        for i in 0..<frames { for j in 0..<frames where i != j { pairs.append((i, j)) } }
        return FramePairs(pairs: pairs, weights: [Float](repeating: 1, count: pairs.count))
    }

    /// j ∈ [i, i + span), weighted linspace(1, 0.8, span) by j − i (FastVMT's wan_video.py): nearby frames, whose
    /// correspondence is reliable, count most.
    public static func forward(frames: Int, span: Int) -> FramePairs {
        precondition(span >= 1, "span \(span)")
        let byDistance = (0..<span).map { span == 1 ? Float(1) : 1 - 0.2 * Float($0) / Float(span - 1) }
        var pairs: [(Int, Int)] = [], weights: [Float] = []
        for i in 0..<frames {
            for j in i..<min(frames, i + span) {
                pairs.append((i, j))
                weights.append(byDistance[j - i])
            }
        }
        return FramePairs(pairs: pairs, weights: weights)
    }
}
