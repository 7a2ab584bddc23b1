import Testing
import World

/// The byte layout `fastvmt-world` writes and `scripts/train_model.py` reads, against the clip it came from.
struct ClipRecordTests {
    @Test func recordHoldsCaptionFramesAndCoverageInTheirLayout() {
        let clip = Renderer.render(Scene.random(seed: 1_000_003, size: 16, frames: 3, maxObjects: 3))
        let s = 16, frames = 3, plane = s * s
        let record = ClipRecord.bytes(of: clip, coverage: true)
        let caption = Array(clip.scene.caption.utf8)
        #expect(record.count == 4 + caption.count + frames * plane * 4)
        let length = record[0..<4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length == caption.count)
        #expect(Array(record[4..<(4 + caption.count)]) == caption)
        let pixels = 4 + caption.count, coverage = pixels + frames * plane * 3
        var worstPixel = 0.0, worstCoverage = 0.0
        for f in 0..<frames {
            for p in 0..<plane {
                for c in 0..<3 {
                    let value = Double(clip.pixels[(f * 3 + c) * plane + p]) * 255
                    worstPixel = max(worstPixel, abs(Double(record[pixels + (f * plane + p) * 3 + c]) - value))
                }
                let covered = clip.coverage.map { Double($0[f * plane + p]) * 255 }.max() ?? 0
                worstCoverage = max(worstCoverage, abs(Double(record[coverage + f * plane + p]) - covered))
            }
        }
        // Rounding to the nearest byte is within half a step.
        #expect(worstPixel <= 0.5 + 1e-3)
        #expect(worstCoverage <= 0.5 + 1e-3)
        #expect(ClipRecord.bytes(of: clip, coverage: false) == Array(record[0..<coverage]))
    }

    @Test func vocabularyIsAJSONArrayOfTheWords() {
        let json = ClipRecord.vocabularyJSON
        #expect(json.first == "[" && json.last == "]")
        let words = json.dropFirst().dropLast().split(separator: ",").map {
            $0.trimmingPrefix(" ").dropFirst().dropLast()
        }
        #expect(words.map(String.init) == WorldVocabulary.words)
    }
}
