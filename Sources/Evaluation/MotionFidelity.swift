/// Motion fidelity (Yatim et al., "Space-Time Diffusion Features for Zero-Shot Text-Driven Motion Transfer",
/// CVPR 2024; the figure DiTFlow and FastVMT report): how closely the generated clip's motion follows the source's,
/// whatever either looks like. Points are tracked in both clips (Lucas–Kanade here, CoTracker in the paper); each
/// source tracklet is matched to its most similar generated tracklet and each generated one to its most similar
/// source tracklet, and the score is the mean of the two mean best similarities (the paper's symmetric form; the
/// authors' and DiTFlow's code report only `generatedToSource`, so both directions are kept).
///
/// Similarity of two tracklets is the cosine of their whole displacement sequences (d_t = p_{t+1} − p_t, 2-D):
///     Σ_t ⟨d_t, d̃_t⟩ / (√(Σ_t |d_t|²) · √(Σ_t |d̃_t|²)),
/// where the paper's code averages per-frame cosines, (1/T) Σ_t ⟨d_t/|d_t|, d̃_t/|d̃_t|⟩. Per-frame normalisation
/// blows a classical tracker's sub-pixel jitter in a frame where the point rests up to a unit vector pointing
/// anywhere; normalising the sequence weighs each frame by how far the point moved in it, so the frames with motion
/// decide. Both forms are 1 for equal motion and −1 for reversed motion.
///
/// Tracklets that barely move (√(Σ_t |d_t|²) under `minimumMotion` pixels) are left out on both sides: their
/// direction is 0/0 in either form (the reference code gets NaN there, and can restrict tracking to a mask of the
/// moving object). Where neither clip has a moving tracklet the motions agree (1); where only one has, they do not (0).
/// Clips of different lengths are compared over their common first frames: Wan's output has 4k + 1 frames, so a
/// generated clip may be a frame or two off its source's length.
public struct MotionFidelity: Sendable, Equatable {
    /// Mean over the source's moving tracklets of the best similarity among the generated clip's.
    public let sourceToGenerated: Double
    /// Mean over the generated clip's moving tracklets of the best similarity among the source's.
    public let generatedToSource: Double

    public var score: Double { (sourceToGenerated + generatedToSource) / 2 }

    public init(source: GrayVideo, generated: GrayVideo, stride: Int = 8, tracker: LucasKanade = LucasKanade(), minimumMotion: Float = 1) {
        let frames = min(source.frames.count, generated.frames.count)
        func head(_ video: GrayVideo) -> GrayVideo {
            GrayVideo(width: video.width, height: video.height, frames: Array(video.frames.prefix(frames)))
        }
        self.init(source: Tracklets.track(head(source), stride: stride, tracker: tracker),
                  generated: Tracklets.track(head(generated), stride: stride, tracker: tracker),
                  minimumMotion: minimumMotion)
    }

    public init(source: [Tracklet], generated: [Tracklet], minimumMotion: Float = 1) {
        let steps = max(0, min(source.map(\.count).min() ?? 0, generated.map(\.count).min() ?? 0) - 1)
        let a = Self.directions(source, steps: steps, minimumMotion: minimumMotion)
        let b = Self.directions(generated, steps: steps, minimumMotion: minimumMotion)
        let n = a.count / max(1, 2 * steps), m = b.count / max(1, 2 * steps)
        guard n > 0 && m > 0 else {
            let agree: Double = n == m ? 1 : 0
            (sourceToGenerated, generatedToSource) = (agree, agree)
            return
        }
        let length = 2 * steps
        var rowBest = [Float](repeating: -.infinity, count: n), columnBest = [Float](repeating: -.infinity, count: m)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let u = a.baseAddress! + i * length
                    for j in 0..<m {
                        let v = b.baseAddress! + j * length
                        var dot: Float = 0
                        for t in 0..<length { dot += u[t] * v[t] }
                        rowBest[i] = max(rowBest[i], dot)
                        columnBest[j] = max(columnBest[j], dot)
                    }
                }
            }
        }
        sourceToGenerated = rowBest.reduce(0) { $0 + Double($1) } / Double(n)
        generatedToSource = columnBest.reduce(0) { $0 + Double($1) } / Double(m)
    }

    /// The moving tracklets' first `steps` displacements as unit vectors: [moving tracklets][steps · 2] flattened.
    static func directions(_ tracklets: [Tracklet], steps: Int, minimumMotion: Float) -> [Float] {
        var out: [Float] = []
        for tracklet in tracklets where steps > 0 {
            let d = (0..<steps).flatMap { t in [tracklet[t + 1].x - tracklet[t].x, tracklet[t + 1].y - tracklet[t].y] }
            let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm >= minimumMotion { out += d.map { $0 / norm } }
        }
        return out
    }
}
