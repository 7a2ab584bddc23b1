/// Maps frames with arbitrary timestamps onto a constant-rate grid, duplicating or dropping frames as needed
/// (what ffmpeg's `-r` with constant frame rate does). Output slot n sits at n / rate; a source frame at time t fills
/// every slot from half a slot before t up to half a slot before the next frame, so a source already at `rate`
/// maps one to one even with jittered timestamps, and the first frame also fills any slots before it.
struct FrameRateConverter {
    let rate: Double
    /// Total number of slots allowed (from a requested duration), or nil for no limit.
    let slotLimit: Int?
    private(set) var nextSlot = 0

    init(rate: Rational, duration: Double?) {
        self.rate = rate.value
        slotLimit = duration.map { max(0, Int(($0 * rate.value).rounded())) }
    }

    var isFull: Bool { slotLimit.map { nextSlot >= $0 } ?? false }

    /// The slots the previous frame fills, now that the frame after it (or the end of its display, for the last
    /// frame) is known to start at `time` seconds.
    mutating func slots(before time: Double) -> Range<Int> {
        take(upTo: Int(((time * rate) - 0.5 - 1e-6).rounded(.up)))
    }

    private mutating func take(upTo end: Int) -> Range<Int> {
        let capped = slotLimit.map { min(end, $0) } ?? end
        guard capped > nextSlot else { return nextSlot..<nextSlot }
        defer { nextSlot = capped }
        return nextSlot..<capped
    }

    func time(ofSlot n: Int) -> Double { Double(n) / rate }
}
