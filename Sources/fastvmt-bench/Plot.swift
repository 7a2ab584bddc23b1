import Foundation

/// A line-and-point chart drawn with Canvas and written as a PNG: enough for BENCHMARKS.md's speed–fidelity curve
/// and scaling plots without a plotting library (the product must not need Python). Axes are linear or base-10
/// logarithmic; the legend sits right of the plot area so it never covers a point.
struct Plot {
    enum Scale { case linear, log }

    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        /// Drawn next to each point (e.g. a sweep's settings); empty for none.
        var pointLabels: [String] = []
        var connected = true
        var dashed = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var xScale = Scale.linear
    var yScale = Scale.linear
    var series: [Series] = []

    static let palette: [Canvas.Colour] = [
        Canvas.Colour(0.12, 0.47, 0.71), Canvas.Colour(0.84, 0.15, 0.16), Canvas.Colour(0.17, 0.63, 0.17),
        Canvas.Colour(1.0, 0.5, 0.05), Canvas.Colour(0.58, 0.4, 0.74), Canvas.Colour(0.55, 0.34, 0.29),
        Canvas.Colour(0.89, 0.47, 0.76), Canvas.Colour(0.5, 0.5, 0.5),
    ]

    /// Where data coordinates go: a range on one axis and its ticks.
    struct Axis {
        let scale: Scale
        let low: Double, high: Double
        let ticks: [Double]

        init(_ values: [Double], scale: Scale) {
            self.scale = scale
            switch scale {
            case .log:
                let positive = values.filter { $0 > 0 }
                let lo = floor(log10(positive.min() ?? 1)), hi = max(ceil(log10(positive.max() ?? 10)), lo + 1)
                (low, high) = (lo, hi)
                // Decades only, unless there are too few of them to read a slope from.
                let steps: [Double] = hi - lo <= 2 ? [1, 2, 5] : [1]
                ticks = stride(from: lo, to: hi + 1, by: 1).flatMap { d in steps.map { log10($0) + d } }.filter { $0 <= hi + 1e-9 }
            case .linear:
                var lo = values.min() ?? 0, hi = values.max() ?? 1
                if hi - lo < 1e-12 { (lo, hi) = (lo - 0.5, hi + 0.5) }
                let pad = 0.06 * (hi - lo)
                (lo, hi) = (lo - pad, hi + pad)
                let raw = (hi - lo) / 6, magnitude = pow(10, floor(log10(raw)))
                let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
                (low, high) = (lo, hi)
                ticks = stride(from: ceil(lo / step) * step, through: hi, by: step).map { $0 }
            }
        }

        /// The value in axis units (log10 on a log axis), where the ticks and range live.
        func position(_ value: Double) -> Double { scale == .log ? log10(max(value, 1e-300)) : value }

        func fraction(_ value: Double) -> Double { (position(value) - low) / (high - low) }

        func label(_ tick: Double) -> String {
            let value = scale == .log ? pow(10, tick) : tick
            if value != 0 && (abs(value) >= 1e5 || abs(value) < 1e-3) { return String(format: "%.0e", value) }
            return String(format: "%g", (value * 1e6).rounded() / 1e6)
        }
    }

    func render(width: Int = 820, height: Int = 520) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let black = Canvas.Colour(0, 0, 0), grey = Canvas.Colour(0.85, 0.85, 0.85)
        let legendWidth = 12 + Canvas.textWidth(series.map(\.name).max { $0.count < $1.count } ?? "") + 24
        let left = 72, right = width - max(legendWidth, 40), top = 44, bottom = height - 48
        let all = series.flatMap(\.points)
        let xAxis = Axis(all.map(\.x), scale: xScale), yAxis = Axis(all.map(\.y), scale: yScale)
        func px(_ x: Double) -> Int { left + Int((xAxis.fraction(x) * Double(right - left)).rounded()) }
        func py(_ y: Double) -> Int { bottom - Int((yAxis.fraction(y) * Double(bottom - top)).rounded()) }

        canvas.text(title, x: max(4, (width - Canvas.textWidth(title, scale: 2)) / 2), y: 8, black, scale: 2)
        canvas.text(yLabel, x: 8, y: top - 14, black)
        canvas.text(xLabel, x: left + (right - left - Canvas.textWidth(xLabel)) / 2, y: bottom + 30, black)
        for tick in xAxis.ticks {
            let x = left + Int(((tick - xAxis.low) / (xAxis.high - xAxis.low) * Double(right - left)).rounded())
            canvas.line(x, top, x, bottom, grey)
            canvas.line(x, bottom, x, bottom + 4, black)
            let text = xAxis.label(tick)
            canvas.text(text, x: x - Canvas.textWidth(text) / 2, y: bottom + 8, black)
        }
        for tick in yAxis.ticks {
            let y = bottom - Int(((tick - yAxis.low) / (yAxis.high - yAxis.low) * Double(bottom - top)).rounded())
            canvas.line(left, y, right, y, grey)
            canvas.line(left - 4, y, left, y, black)
            let text = yAxis.label(tick)
            canvas.text(text, x: left - 7 - Canvas.textWidth(text), y: y - 3, black)
        }
        canvas.line(left, top, left, bottom, black)
        canvas.line(left, bottom, right, bottom, black)

        for (index, s) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let points = s.points.map { (px($0.x), py($0.y)) }
            if s.connected {
                for (a, b) in zip(points, points.dropFirst()) { canvas.line(a.0, a.1, b.0, b.1, colour, thickness: 2, dash: s.dashed ? 6 : 0) }
            }
            for (i, p) in points.enumerated() {
                canvas.disc(p.0, p.1, radius: 3, colour)
                if i < s.pointLabels.count { canvas.text(s.pointLabels[i], x: p.0 + 6, y: p.1 - 10, colour) }
            }
            let y = top + 4 + 14 * index
            canvas.line(right + 10, y + 3, right + 22, y + 3, colour, thickness: 2, dash: s.dashed ? 3 : 0)
            canvas.text(s.name, x: right + 26, y: y, black)
        }
        return canvas
    }

    func write(to path: String, width: Int = 820, height: Int = 520) throws {
        let canvas = render(width: width, height: height)
        try PNGFile.write(planarRGB: canvas.pixels, width: width, height: height, to: path)
    }
}
