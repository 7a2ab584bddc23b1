/// How far one object's path is from another's: the mean distance between their centres frame by frame, over the
/// frames where both were found.
public enum PathError {
    public static func mean(_ generated: [SIMD2<Double>?], _ reference: [SIMD2<Double>?]) -> Double? {
        var total = 0.0, count = 0
        for (g, r) in zip(generated, reference) {
            guard let g, let r else { continue }
            let d = g - r
            total += (d * d).sum().squareRoot()
            count += 1
        }
        return count > 0 ? total / Double(count) : nil
    }
}
