/// Temporal consistency: the mean cosine similarity of consecutive frames' features, i.e. how little a clip flickers
/// or jumps from one frame to the next (1 for a still clip). Papers take CLIP image embeddings as the feature; the
/// evaluation must not lean on a learned model, so here the feature is the frame itself, box-averaged down to
/// `featureSize` × `featureSize` gray pixels and mean-subtracted. Averaging keeps the layout and drops pixel noise
/// and small motions; subtracting the mean (the cosine already ignores contrast) leaves a fade or a brightening
/// unpunished, as an embedding would. Two flat frames are alike (1); a flat frame and a structured one are not (0).
public enum TemporalConsistency {
    public static func score(_ video: GrayVideo, featureSize s: Int = 16) -> Double {
        precondition(video.width >= s && video.height >= s, "the frame must be at least featureSize in each direction")
        let features = video.frames.map { feature($0, width: video.width, height: video.height, size: s) }
        guard features.count > 1 else { return 1 }
        var total = 0.0
        for (a, b) in zip(features, features.dropFirst()) {
            let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Far below one 8-bit level: a flat frame, whose block means differ only by rounding.
            let flat = 1e-6
            if na < flat || nb < flat {
                total += na < flat && nb < flat ? 1 : 0
            } else {
                total += zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (na * nb)
            }
        }
        return total / Double(features.count - 1)
    }

    /// [H · W] → [s · s]: block means over a near-even split of rows and columns, less their own mean.
    static func feature(_ frame: [Float], width: Int, height: Int, size s: Int) -> [Double] {
        var out = [Double](repeating: 0, count: s * s)
        for by in 0..<s {
            let rows = (by * height / s)..<((by + 1) * height / s)
            for bx in 0..<s {
                let columns = (bx * width / s)..<((bx + 1) * width / s)
                var sum = 0.0
                for y in rows { for x in columns { sum += Double(frame[y * width + x]) } }
                out[by * s + bx] = sum / Double(rows.count * columns.count)
            }
        }
        let mean = out.reduce(0, +) / Double(out.count)
        return out.map { $0 - mean }
    }
}
