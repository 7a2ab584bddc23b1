/// One tracked point's position (x, y pixels) in every frame of a clip: [F].
public typealias Tracklet = [SIMD2<Float>]

public enum Tracklets {
    /// Seeds a grid on the first frame and follows each point forward, frame to frame. A point lost once is dropped
    /// for good: the metric compares whole displacement sequences, and a gap has no displacement to compare.
    public static func track(_ video: GrayVideo, stride: Int = 8, tracker: LucasKanade = LucasKanade()) -> [Tracklet] {
        guard let first = video.frames.first else { return [] }
        var tracklets = LucasKanade.grid(width: video.width, height: video.height, stride: stride).map { [$0] }
        var previous = tracker.pyramid(first, width: video.width, height: video.height)
        for frame in video.frames.dropFirst() {
            let next = tracker.pyramid(frame, width: video.width, height: video.height)
            let found = tracker.track(tracklets.map { $0[$0.count - 1] }, from: previous, to: next)
            tracklets = zip(tracklets, found).compactMap { tracklet, point in point.map { tracklet + [$0] } }
            previous = next
        }
        return tracklets
    }
}
