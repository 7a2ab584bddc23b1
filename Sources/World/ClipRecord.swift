/// The byte stream the training script reads world clips from (`fastvmt-world`): per clip, the caption's UTF-8
/// length (UInt32, little-endian) and bytes, the frames as RGB24 (F × S × S × 3, values rounded to nearest), then,
/// when asked for, the object coverage per pixel (F × S × S bytes, the largest over the clip's objects).
public enum ClipRecord {
    public static func bytes(of clip: Renderer.Clip, coverage: Bool) -> [UInt8] {
        let caption = Array(clip.scene.caption.utf8)
        let frames = clip.scene.frames, plane = clip.scene.size * clip.scene.size
        var record: [UInt8] = []
        record.reserveCapacity(4 + caption.count + frames * plane * (coverage ? 4 : 3))
        withUnsafeBytes(of: UInt32(caption.count).littleEndian) { record.append(contentsOf: $0) }
        record.append(contentsOf: caption)
        let pixelStart = record.count, coverageStart = pixelStart + frames * plane * 3
        record.append(contentsOf: repeatElement(0, count: frames * plane * (coverage ? 4 : 3)))
        record.withUnsafeMutableBufferPointer { out in
            clip.pixels.withUnsafeBufferPointer { pixels in
                for f in 0..<frames {
                    for c in 0..<3 {
                        let source = (f * 3 + c) * plane, target = pixelStart + f * plane * 3 + c
                        for p in 0..<plane { out[target + 3 * p] = byte(pixels[source + p]) }
                    }
                }
            }
            guard coverage else { return }
            for object in clip.coverage {
                object.withUnsafeBufferPointer { object in
                    for i in 0..<frames * plane { out[coverageStart + i] = max(out[coverageStart + i], byte(object[i])) }
                }
            }
        }
        return record
    }

    /// The world's vocabulary as a JSON array of strings (the words are plain lower-case ASCII).
    public static var vocabularyJSON: String {
        "[" + WorldVocabulary.words.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    /// A value in [0, 1] as a byte, rounded to nearest.
    static func byte(_ value: Float) -> UInt8 { UInt8(min(max(value * 255 + 0.5, 0), 255)) }
}
