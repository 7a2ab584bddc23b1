/// Wall-clock timing for the compute benchmarks: each measurement repeats its body until `minimum` seconds have
/// passed (at least `rounds` calls) and reports the median seconds per call.
enum Timing {
    static func median(minimum: Double = 0.4, rounds: Int = 3, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var samples: [Double] = []
        var total = 0.0
        while samples.count < rounds || total < minimum {
            let seconds = Timing.seconds(clock.measure(body))
            samples.append(seconds)
            total += seconds
        }
        return samples.sorted()[samples.count / 2]
    }

    /// Runs `body` once: its result and the seconds it took.
    static func once<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let result = try body()
        return (result, seconds(ContinuousClock.now - start))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
