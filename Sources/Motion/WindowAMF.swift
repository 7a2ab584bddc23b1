import Tensor

/// FastVMT's sliding-window motion extraction, as its paper and code comments describe it: queries are grouped in
/// tiles; each tile's centre query attends to the whole key frame to find where the tile went (a soft-argmax,
/// held constant); then every query of the tile attends only to an l × l window of keys centred there. The window
/// follows the motion, so large motions are still caught, at O(P · (N_f·l² + N_f²/tile) · d) instead of
/// O(P · N_f² · d).
///
/// Two deliberate departures from the authors' released code (mayuelala/FastVMT, wan_video.py): a window at the
/// frame edge is moved inside the frame (theirs clamps each index, collapsing edge windows onto repeated keys), and
/// the displacement is measured in frame coordinates, target position minus own position (theirs subtracts the
/// position within the tile from the position within the window and masks every second window slot).
public struct WindowSettings: Equatable, Codable, Sendable {
    public var tileHeight: Int
    public var tileWidth: Int
    /// l: the window is l × l tokens (smaller where the frame is smaller).
    public var size: Int

    public init(tileHeight: Int, tileWidth: Int, size: Int) {
        precondition(tileHeight > 0 && tileWidth > 0 && size > 0, "tile \(tileHeight)×\(tileWidth), window \(size)")
        self.tileHeight = tileHeight
        self.tileWidth = tileWidth
        self.size = size
    }
}

/// Where each tile's window went, per frame pair: [P, T, 2] top-left (row, column) of the window in frame j.
public struct TileWindows {
    public let settings: WindowSettings
    public let grid: TokenGrid
    public let tilesDown: Int, tilesAcross: Int
    public let windowHeight: Int, windowWidth: Int
    public let origins: [Int32]  // P · T · 2

    public var tileCount: Int { tilesDown * tilesAcross }

    /// The tile of token (y, x).
    func tile(_ y: Int, _ x: Int) -> Int { (y / settings.tileHeight) * tilesAcross + x / settings.tileWidth }

    /// Key windows for every query of the chosen pairs: each query uses its tile's window.
    func queryWindows(pairs: [Int]) -> KeyWindows {
        var perQuery: [Int32] = []
        perQuery.reserveCapacity(pairs.count * grid.tokensPerFrame * 2)
        for pair in pairs {
            for y in 0..<grid.height {
                for x in 0..<grid.width {
                    let o = 2 * (pair * tileCount + tile(y, x))
                    perQuery.append(origins[o])
                    perQuery.append(origins[o + 1])
                }
            }
        }
        return KeyWindows(keyHeight: grid.height, keyWidth: grid.width, height: windowHeight, width: windowWidth, origins: perQuery)
    }

    /// One window per tile (for the mean keys of the corresponding-window loss).
    func tileWindows(pairs: [Int]) -> KeyWindows {
        var perTile: [Int32] = []
        perTile.reserveCapacity(pairs.count * tileCount * 2)
        for pair in pairs { perTile.append(contentsOf: origins[(2 * pair * tileCount)..<(2 * (pair + 1) * tileCount)]) }
        return KeyWindows(keyHeight: grid.height, keyWidth: grid.width, height: windowHeight, width: windowWidth, origins: perTile)
    }
}

public enum WindowAMF {
    /// The windowed flow over `pairs`, and the windows it used.
    public static func soft(
        _ features: MotionFeatures, pairs: FramePairs, settings: WindowSettings
    ) -> (flow: AttentionMotionFlow, windows: TileWindows) {
        let windows = locate(features, pairs: pairs, settings: settings)
        let q = features.frames(features.queries, pairs.pairs.map(\.query))  // [P, N_f, d']
        let k = features.frames(features.keys, pairs.pairs.map(\.key))
        let positions = features.grid.positions  // [N_f, 2]
        let values = Variable(positions.reshaped([1, positions.shape[0], 2]).broadcast(to: [pairs.count, positions.shape[0], 2]).contiguous())
        let expected = Variable.windowedAttention(q: q, k: k, v: values, windows: windows.queryWindows(pairs: Array(0..<pairs.count)),
                                                  scale: features.scale)  // [P, N_f, 2]
        return (AttentionMotionFlow(pairs: pairs, displacement: expected - Variable(positions)), windows)
    }

    /// The window search: each tile's centre query against all of frame j, soft-argmax rounded to a token, the
    /// window centred there and moved inside the frame. Constants: the search is not differentiated.
    public static func locate(_ features: MotionFeatures, pairs: FramePairs, settings: WindowSettings) -> TileWindows {
        let grid = features.grid, n = grid.tokensPerFrame
        let tilesDown = (grid.height + settings.tileHeight - 1) / settings.tileHeight
        let tilesAcross = (grid.width + settings.tileWidth - 1) / settings.tileWidth
        let tiles = tilesDown * tilesAcross
        var centres: [Int] = []  // token index of each tile's centre query
        for ty in 0..<tilesDown {
            for tx in 0..<tilesAcross {
                let y = min(ty * settings.tileHeight + settings.tileHeight / 2, grid.height - 1)
                let x = min(tx * settings.tileWidth + settings.tileWidth / 2, grid.width - 1)
                centres.append(y * grid.width + x)
            }
        }
        let queries = features.queries.value, keys = features.keys.value
        let d = queries.shape[2]
        var centreQueries = Tensor(uninitializedShape: [pairs.count, tiles, d])
        queries.withUnsafeBufferPointer { pq in
            centreQueries.withUnsafeMutableBufferPointer { pc in
                for (index, pair) in pairs.pairs.enumerated() {
                    for (t, token) in centres.enumerated() {
                        (pc.baseAddress! + (index * tiles + t) * d).update(from: pq.baseAddress! + (pair.query * n + token) * d, count: d)
                    }
                }
            }
        }
        let frameKeys = Concatenation.forward(pairs.pairs.map { keys.sliced(axis: 0, $0.key..<($0.key + 1)) }, axis: 0)
        let positions = grid.positions
        let values = positions.reshaped([1, n, 2]).broadcast(to: [pairs.count, n, 2]).contiguous()
        let found = Attention.forward(q: centreQueries, k: frameKeys, v: values, scale: features.scale).out.scalars  // [P, T, 2]
        let windowHeight = min(settings.size, grid.height), windowWidth = min(settings.size, grid.width)
        var origins = [Int32](repeating: 0, count: pairs.count * tiles * 2)
        for i in 0..<(pairs.count * tiles) {
            let row = Int(found[2 * i].rounded()) - windowHeight / 2
            let column = Int(found[2 * i + 1].rounded()) - windowWidth / 2
            origins[2 * i] = Int32(min(max(row, 0), grid.height - windowHeight))
            origins[2 * i + 1] = Int32(min(max(column, 0), grid.width - windowWidth))
        }
        return TileWindows(settings: settings, grid: grid, tilesDown: tilesDown, tilesAcross: tilesAcross,
                           windowHeight: windowHeight, windowWidth: windowWidth, origins: origins)
    }
}
