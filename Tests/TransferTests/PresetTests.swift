import Foundation
@testable import Transfer
import XCTest

final class PresetTests: XCTestCase {
    private var filters: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("filters")
    }

    /// filters/NAME.json is the built-in preset NAME, field for field.
    func testPresetFilesAreTheBuiltInPresets() throws {
        for preset in Preset.builtIn {
            let file = filters.appendingPathComponent("\(preset.name).json").path
            XCTAssertEqual(try Preset.named(file), preset, file)
            XCTAssertEqual(try Preset.named(preset.name), preset)
        }
    }

    func testPresetsDifferWhereTheMethodsDo() {
        XCTAssertEqual(Preset.fast.flow, .window)
        XCTAssertEqual(Preset.ditflow.flow, .global)
        XCTAssertEqual(Preset.fast.skipInterval, 3)
        XCTAssertEqual(Preset.quality.skipInterval, 1)
        XCTAssertEqual(Preset.ditflow.windowLossWeight, 0)
        XCTAssertEqual(Preset.fast.block(ofLayers: 30), 14)
        XCTAssertEqual(Preset.ditflow.block(ofLayers: 42), 20)
        XCTAssertEqual(Preset.fast.block(ofLayers: 6), 3)
        XCTAssertEqual(Preset.ditflow.block(ofLayers: 6), 3)
        XCTAssertEqual(Preset.fast.learningRate(iteration: 0), 0.003)
        XCTAssertTrue(Preset.builtIn.allSatisfy { $0.shift == nil }, "the sampler's shift is the model's")
        XCTAssertEqual(Preset.fast.learningRate(iteration: 5), 0.0025, accuracy: 1e-7)
    }

    func testUnknownAndInvalidPresetsAreExplained() throws {
        XCTAssertThrowsError(try Preset.named("fastest")) { XCTAssertTrue("\($0)".contains("fast, ditflow, quality")) }
        var bad = Preset.fast
        bad.skipInterval = 0
        XCTAssertThrowsError(try bad.validated()) { XCTAssertTrue("\($0)".contains("skip interval")) }
        var negative = Preset.fast
        negative.shift = 0
        XCTAssertThrowsError(try negative.validated()) { XCTAssertTrue("\($0)".contains("shift")) }
    }
}
