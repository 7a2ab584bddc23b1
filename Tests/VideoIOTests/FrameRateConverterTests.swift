import Testing
@testable import VideoIO

@Suite struct FrameRateConverterTests {
    /// Feeds frame times and returns, per frame, how many output slots it filled.
    func fill(_ times: [Double], rate: Rational, duration: Double? = nil, lastLasts: Double) -> [Int] {
        var converter = FrameRateConverter(rate: rate, duration: duration)
        var counts: [Int] = []
        for t in times.dropFirst() { counts.append(converter.slots(before: t).count) }
        counts.append(converter.slots(before: times.last! + lastLasts).count)
        return counts
    }

    @Test func sameRateIsOneToOneEvenWithJitter() {
        let jitter: [Double] = [-0.004, 0, 0.004]
        let times = (0..<48).map { i -> Double in Double(i) / 24 + jitter[i % 3] }
        #expect(fill(times, rate: Rational(24, 1), lastLasts: 1.0 / 24) == Array(repeating: 1, count: 48))
    }

    @Test func halvingTheRateDropsEveryOtherFrame() {
        let times = (0..<24).map { Double($0) / 24 }
        let counts = fill(times, rate: Rational(12, 1), lastLasts: 1.0 / 24)
        #expect(counts.reduce(0, +) == 12)
        #expect(counts.allSatisfy { $0 <= 1 })
    }

    @Test func doublingTheRateRepeatsEachFrame() {
        let times = (0..<12).map { Double($0) / 12 }
        #expect(fill(times, rate: Rational(24, 1), lastLasts: 1.0 / 12) == Array(repeating: 2, count: 12))
    }

    @Test func firstFrameFillsTheGapBeforeIt() {
        // Video starting 0.25 s after the audio: the first picture is held from time 0.
        let counts = fill([0.25, 0.25 + 1.0 / 8], rate: Rational(8, 1), lastLasts: 1.0 / 8)
        #expect(counts == [3, 1])
    }

    @Test func durationLimitsTheSlots() {
        let times = (0..<48).map { Double($0) / 24 }
        let counts = fill(times, rate: Rational(24, 1), duration: 0.5, lastLasts: 1.0 / 24)
        #expect(counts.reduce(0, +) == 12)
    }

    @Test func ntscRateKeepsTheCount() {
        let rate = Rational(30000, 1001)
        let times = (0..<300).map { Double($0) * 1001 / 30000 }
        #expect(fill(times, rate: rate, lastLasts: 1001.0 / 30000).reduce(0, +) == 300)
    }
}
