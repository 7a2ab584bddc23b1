import DiT
import Tensor
import XCTest

final class WordTextEncoderTests: XCTestCase {
    /// Embeddings with recognisable values: word w, channel c holds 10·w + c; position p adds 1000·p.
    let encoder = WordTextEncoder(
        words: ["a", "red", "circle"], maxWords: 4,
        tokenEmbedding: Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21]),
        positionEmbedding: Tensor(shape: [4, 2], scalars: [0, 0, 1000, 1000, 2000, 2000, 3000, 3000])
    )

    func testWordsArePlacedInOrderAndTheRestIsZero() {
        let (states, unknown) = encoder.encode("A red, CIRCLE")
        XCTAssertEqual(unknown, [])
        XCTAssertEqual(states.shape, [4, 2])
        XCTAssertEqual(states.scalars, [0, 1, 1010, 1011, 2020, 2021, 0, 0])
    }

    func testUnknownWordsAreReportedAndLeftOut() {
        let (states, unknown) = encoder.encode("a purple circle")
        XCTAssertEqual(unknown, ["purple"])
        XCTAssertEqual(states.scalars, [0, 1, 1020, 1021, 0, 0, 0, 0])
    }

    func testTheEmptyPromptIsAllZerosAndLongPromptsAreCut() {
        XCTAssertEqual(encoder.encode("").states.scalars, [Float](repeating: 0, count: 8))
        XCTAssertEqual(encoder.encode("a a a a a a").states.scalars, [0, 1, 1000, 1001, 2000, 2001, 3000, 3001])
    }
}
