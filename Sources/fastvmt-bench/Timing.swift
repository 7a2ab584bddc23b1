/// Wall-clock timing for the compute benchmarks: each measurement repeats its body until `minimum` seconds have
/// passed (at least `rounds` calls) and reports the median seconds per call.
enum Timing {
    static func median(minimum: Double = 0.4, rounds: Int = 3, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var samples: [Double] = []
        var total = 0.0
        while samples.count < rounds || total < minimum {
            let elapsed = clock.measure(body)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            samples.append(seconds)
            total += seconds
        }
        return samples.sorted()[samples.count / 2]
    }
}
