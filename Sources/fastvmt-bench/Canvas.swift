/// A picture to draw the plots on: planar RGB [3, H, W] in [0, 1], the layout PNGFile writes. Pixel coordinates,
/// origin top left; drawing outside the picture is clipped.
struct Canvas {
    typealias Colour = SIMD3<Float>

    let width: Int, height: Int
    private(set) var pixels: [Float]

    init(width: Int, height: Int, background: Colour = Colour(1, 1, 1)) {
        self.width = width
        self.height = height
        let plane = width * height
        pixels = [Float](repeating: 0, count: 3 * plane)
        for c in 0..<3 { for i in 0..<plane { pixels[c * plane + i] = background[c] } }
    }

    mutating func set(_ x: Int, _ y: Int, _ colour: Colour) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let plane = width * height
        for c in 0..<3 { pixels[c * plane + y * width + x] = colour[c] }
    }

    func colour(_ x: Int, _ y: Int) -> Colour {
        let plane = width * height, i = y * width + x
        return Colour(pixels[i], pixels[plane + i], pixels[2 * plane + i])
    }

    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ colour: Colour) {
        for yy in y..<(y + h) { for xx in x..<(x + w) { set(xx, yy, colour) } }
    }

    /// A line `thickness` pixels wide (Bresenham, with a square brush); `dash` > 0 draws every other `dash` pixels.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ colour: Colour, thickness: Int = 1, dash: Int = 0) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var (x, y, error, step) = (x0, y0, dx + dy, 0)
        while true {
            if dash == 0 || (step / dash) % 2 == 0 {
                fill(x: x - thickness / 2, y: y - thickness / 2, width: thickness, height: thickness, colour)
            }
            if x == x1 && y == y1 { return }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
            step += 1
        }
    }

    /// A filled disc of `radius` pixels around (x, y): the plots' data points.
    mutating func disc(_ x: Int, _ y: Int, radius: Int, _ colour: Colour) {
        for yy in -radius...radius { for xx in -radius...radius where xx * xx + yy * yy <= radius * radius { set(x + xx, y + yy, colour) } }
    }

    /// Text with its top left at (x, y), each font pixel drawn `scale` × `scale`.
    mutating func text(_ string: String, x: Int, y: Int, _ colour: Colour = Colour(0, 0, 0), scale: Int = 1) {
        for (i, character) in string.enumerated() {
            let rows = BitmapFont.rows(character), left = x + i * BitmapFont.advance * scale
            for (row, bits) in rows.enumerated() {
                for column in 0..<BitmapFont.width where bits & (0x10 >> UInt8(column)) != 0 {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, colour)
                }
            }
        }
    }

    static func textWidth(_ string: String, scale: Int = 1) -> Int { string.count * BitmapFont.advance * scale }
}
