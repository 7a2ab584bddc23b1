/// Pyramidal Lucas–Kanade point tracking (Bouguet's formulation), step for step as OpenCV's calcOpticalFlowPyrLK
/// does it, so that scripts/eval_motion.py, which calls OpenCV with the same settings, cross-checks this code and not
/// merely some other tracker:
/// - pyramid: pyrDown (5×5 binomial, reflect-101 border), a level only while it stays larger than the window;
/// - gradients: Scharr (3·10·3), reflect-101 at the image's edge; images are padded one window wide (reflect-101),
///   gradients with zeros, so a window may hang over the edge;
/// - per level, coarsest first: the window around the point in the earlier frame (bilinear) and its structure
///   tensor; Newton steps on the window's mismatch in the later frame until a step is shorter than `epsilon`, or
///   undoes the one before (then half of it is taken back), or `iterations` are spent.
/// A point is lost where its window leaves the padded image or its tensor's smallest eigenvalue is below
/// `minEigenvalue` (OpenCV's threshold in OpenCV's units, see `track`), and, beyond OpenCV, where it ends outside the
/// frame: a point that left the picture has no motion to compare.
/// OpenCV works in fixed point (8-bit pyramid levels, 14-bit bilinear weights, patches at 1/32 level); this rounds the
/// pyramid's levels to whole 8-bit levels as OpenCV does (which decides, near the eigenvalue threshold, which points
/// survive) and otherwise works in floats. On the sample clips the same points survive and the median point agrees with
/// OpenCV's to 0.006 px; a few tracks at occlusions or in weak texture drift apart by pixels, as any two arithmetics
/// would there.
/// Coordinates are (x, y) pixels of the full-resolution frame with pixel centres at integers, as in OpenCV.
public struct LucasKanade: Sendable {
    public var window: Int             // side of the square window, in pixels of every level
    public var levels: Int             // pyramid levels including the full frame (OpenCV's maxLevel + 1)
    public var iterations: Int
    public var epsilon: Float          // pixels
    public var minEigenvalue: Float

    /// OpenCV's defaults except the window (15 against 21, for 64-pixel clips) and the levels (3 against 4: a
    /// fourth level of a 64-pixel clip would be smaller than the window).
    public init(window: Int = 15, levels: Int = 3, iterations: Int = 30, epsilon: Float = 0.01, minEigenvalue: Float = 1e-4) {
        precondition(window >= 3 && window % 2 == 1 && levels >= 1 && iterations >= 1)
        self.window = window
        self.levels = levels
        self.iterations = iterations
        self.epsilon = epsilon
        self.minEigenvalue = minEigenvalue
    }

    /// A frame ready to track from or to: every level's image and gradients in one buffer, each plane padded by
    /// `pad` on every side. Intensities are on OpenCV's 8-bit scale (0…255), so its thresholds keep their meaning.
    public struct Pyramid: Sendable {
        struct Level {
            let width: Int, height: Int
            let offset: Int                    // of the image plane; x-gradient and y-gradient planes follow it
            let pad: Int
            var stride: Int { width + 2 * pad }
            var area: Int { stride * (height + 2 * pad) }
        }
        let levels: [Level]
        let data: [Float]                      // per level: [3][H + 2·pad][W + 2·pad]
    }

    public func pyramid(_ frame: [Float], width: Int, height: Int) -> Pyramid {
        precondition(frame.count == width * height)
        var images: [(pixels: [Float], width: Int, height: Int)] = [(frame.map { $0 * 255 }, width, height)]
        while images.count < levels {
            let last = images[images.count - 1]
            let w = (last.width + 1) / 2, h = (last.height + 1) / 2
            guard w > window && h > window else { break }
            images.append((Self.downsample(last.pixels, width: last.width, height: last.height), w, h))
        }
        var levels: [Pyramid.Level] = []
        var data: [Float] = []
        for image in images {
            let level = Pyramid.Level(width: image.width, height: image.height, offset: data.count, pad: window)
            data += Self.padded(image.pixels, level)
            data += Self.gradients(image.pixels, level)
            levels.append(level)
        }
        return Pyramid(levels: levels, data: data)
    }

    /// Where each of `points` (in `previous`) went in `next`; nil where it was lost.
    public func track(_ points: [SIMD2<Float>], from previous: Pyramid, to next: Pyramid) -> [SIMD2<Float>?] {
        precondition(previous.levels.count == next.levels.count && previous.levels[0].width == next.levels[0].width
                     && previous.levels[0].height == next.levels[0].height, "both frames must be the same size")
        precondition(previous.levels[0].pad == window && next.levels[0].pad == window, "pyramids from a tracker with another window")
        let n = window * window
        let half = Float(window - 1) / 2
        // OpenCV tests the tensor in its fixed-point units: (32·gradient)² · 2⁻²⁰ = gradient² / 1024.
        let unit: Float = 1 / 1024
        let full = previous.levels[0]
        var result = [SIMD2<Float>?](repeating: nil, count: points.count)
        var scratch = [Float](repeating: 0, count: 3 * n)                    // the earlier frame's window: I, Ix, Iy
        previous.data.withUnsafeBufferPointer { before in
            next.data.withUnsafeBufferPointer { after in
                scratch.withUnsafeMutableBufferPointer { patch in
                    for (index, point) in points.enumerated() {
                        var found = point                              // OpenCV's nextPts[i], at the current level
                        var lost = false
                        for l in stride(from: previous.levels.count - 1, through: 0, by: -1) {
                            let level = previous.levels[l], stride = level.stride
                            let corner = point / Float(1 << l) - half     // the window's top-left sample, earlier frame
                            found = l == previous.levels.count - 1 ? point / Float(1 << l) : found * 2
                            let origin = SIMD2<Int>(Int(corner.x.rounded(.down)), Int(corner.y.rounded(.down)))
                            guard origin.x >= -window && origin.x < level.width && origin.y >= -window && origin.y < level.height else {
                                if l == 0 { lost = true }
                                continue
                            }
                            var w = Self.weights(corner - SIMD2<Float>(origin))
                            let image = before.baseAddress! + level.offset
                            let gx = image + level.area, gy = gx + level.area
                            var a11: Float = 0, a12: Float = 0, a22: Float = 0
                            for y in 0..<window {
                                var k = (origin.y + y + level.pad) * stride + origin.x + level.pad
                                for x in 0..<window {
                                    let i = w.x * image[k] + w.y * image[k + 1] + w.z * image[k + stride] + w.w * image[k + stride + 1]
                                    let dx = w.x * gx[k] + w.y * gx[k + 1] + w.z * gx[k + stride] + w.w * gx[k + stride + 1]
                                    let dy = w.x * gy[k] + w.y * gy[k + 1] + w.z * gy[k + stride] + w.w * gy[k + stride + 1]
                                    let p = 3 * (y * window + x)
                                    patch[p] = i
                                    patch[p + 1] = dx
                                    patch[p + 2] = dy
                                    a11 += dx * dx
                                    a12 += dx * dy
                                    a22 += dy * dy
                                    k += 1
                                }
                            }
                            let det = a11 * a22 - a12 * a12
                            let minEigen = (a11 + a22 - ((a11 - a22) * (a11 - a22) + 4 * a12 * a12).squareRoot()) / 2
                            // The smallest eigenvalue per window pixel, and the determinant, as OpenCV states them.
                            guard minEigen * unit / Float(n) >= minEigenvalue && det * unit * unit >= .ulpOfOne else {
                                if l == 0 { lost = true }
                                continue
                            }
                            let target = after.baseAddress! + level.offset
                            var position = found - half                    // the window's top-left sample, later frame
                            var previousStep = SIMD2<Float>.zero
                            for iteration in 0..<iterations {
                                let o = SIMD2<Int>(Int(position.x.rounded(.down)), Int(position.y.rounded(.down)))
                                guard o.x >= -window && o.x < level.width && o.y >= -window && o.y < level.height else {
                                    if l == 0 { lost = true }
                                    break
                                }
                                w = Self.weights(position - SIMD2<Float>(o))
                                var b1: Float = 0, b2: Float = 0
                                for y in 0..<window {
                                    var k = (o.y + y + level.pad) * stride + o.x + level.pad
                                    for x in 0..<window {
                                        let j = w.x * target[k] + w.y * target[k + 1] + w.z * target[k + stride] + w.w * target[k + stride + 1]
                                        let p = 3 * (y * window + x)
                                        let mismatch = j - patch[p]
                                        b1 += mismatch * patch[p + 1]
                                        b2 += mismatch * patch[p + 2]
                                        k += 1
                                    }
                                }
                                let step = SIMD2((a12 * b2 - a22 * b1) / det, (a12 * b1 - a11 * b2) / det)
                                position += step
                                found = position + half
                                if (step * step).sum() <= epsilon * epsilon { break }
                                // A step that undoes the last one: the point sits between two pixels' pulls.
                                if iteration > 0 && abs(step.x + previousStep.x) < 0.01 && abs(step.y + previousStep.y) < 0.01 {
                                    found -= step * 0.5
                                    break
                                }
                                previousStep = step
                            }
                        }
                        let inside = found.x >= 0 && found.x <= Float(full.width - 1) && found.y >= 0 && found.y <= Float(full.height - 1)
                        if !lost && inside { result[index] = found }
                    }
                }
            }
        }
        return result
    }

    /// Points on a regular grid `stride` pixels apart, the first half a stride in from the top-left corner. The
    /// reference code seeds a grid too (CoTracker's 55×55), so every region of the frame gets a say, not just its
    /// strongest corners; points in flat regions are then lost to the eigenvalue test.
    public static func grid(width: Int, height: Int, stride step: Int) -> [SIMD2<Float>] {
        precondition(step >= 1)
        var points: [SIMD2<Float>] = []
        for y in Swift.stride(from: step / 2, to: height, by: step) {
            for x in Swift.stride(from: step / 2, to: width, by: step) { points.append(SIMD2(Float(x), Float(y))) }
        }
        return points
    }

    /// Bilinear weights (top-left, top-right, bottom-left, bottom-right) for a sample `f` past a pixel, 0 ≤ f < 1.
    private static func weights(_ f: SIMD2<Float>) -> SIMD4<Float> {
        SIMD4((1 - f.x) * (1 - f.y), f.x * (1 - f.y), (1 - f.x) * f.y, f.x * f.y)
    }

    /// Index of `i` reflected into 0..<n without repeating the edge (…, 2, 1, 0, 1, 2, …): OpenCV's BORDER_REFLECT_101.
    private static func reflect(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        let m = ((i % period) + period) % period
        return m < n ? m : period - m
    }

    /// OpenCV's pyrDown: the 5×5 binomial filter (1 4 6 4 1)²/256, then every second pixel, rounded to a whole level
    /// as OpenCV's 8-bit output is; [H, W] → [⌈H/2⌉, ⌈W/2⌉].
    private static func downsample(_ image: [Float], width: Int, height: Int) -> [Float] {
        let w = (width + 1) / 2, h = (height + 1) / 2
        let taps: [Float] = [1, 4, 6, 4, 1]
        var rows = [Float](repeating: 0, count: h * width)                   // [h, W], filtered down the columns
        for y in 0..<h {
            for t in 0..<5 {
                let source = reflect(2 * y + t - 2, height) * width
                for x in 0..<width { rows[y * width + x] += taps[t] * image[source + x] }
            }
        }
        var out = [Float](repeating: 0, count: h * w)
        for y in 0..<h {
            for x in 0..<w {
                var sum: Float = 0
                for t in 0..<5 { sum += taps[t] * rows[y * width + reflect(2 * x + t - 2, width)] }
                out[y * w + x] = (sum / 256).rounded()
            }
        }
        return out
    }

    /// The image in its padded plane, reflect-101 beyond the edge.
    private static func padded(_ image: [Float], _ level: Pyramid.Level) -> [Float] {
        var out = [Float](repeating: 0, count: level.area)
        for y in 0..<(level.height + 2 * level.pad) {
            let source = reflect(y - level.pad, level.height) * level.width
            for x in 0..<level.stride { out[y * level.stride + x] = image[source + reflect(x - level.pad, level.width)] }
        }
        return out
    }

    /// x- and y-gradient planes (Scharr / 32, i.e. levels per pixel), reflect-101 at the edge as OpenCV's
    /// calcSharrDeriv, zero in the padding as OpenCV's BORDER_CONSTANT border around them.
    private static func gradients(_ image: [Float], _ level: Pyramid.Level) -> [Float] {
        let w = level.width, h = level.height
        var out = [Float](repeating: 0, count: 2 * level.area)
        func pixel(_ x: Int, _ y: Int) -> Float { image[reflect(y, h) * w + reflect(x, w)] }
        for y in 0..<h {
            for x in 0..<w {
                let k = (y + level.pad) * level.stride + x + level.pad
                let right = 3 * pixel(x + 1, y - 1) + 10 * pixel(x + 1, y) + 3 * pixel(x + 1, y + 1)
                let left = 3 * pixel(x - 1, y - 1) + 10 * pixel(x - 1, y) + 3 * pixel(x - 1, y + 1)
                let below = 3 * pixel(x - 1, y + 1) + 10 * pixel(x, y + 1) + 3 * pixel(x + 1, y + 1)
                let above = 3 * pixel(x - 1, y - 1) + 10 * pixel(x, y - 1) + 3 * pixel(x + 1, y - 1)
                out[k] = (right - left) / 32
                out[level.area + k] = (below - above) / 32
            }
        }
        return out
    }
}
