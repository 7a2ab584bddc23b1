import DiT
import Foundation
import Tensor
import XCTest

final class SafeTensorsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func testWriteThenReadGivesTheSameTensorsAndMetadata() throws {
        let a = Tensor(shape: [2, 3], scalars: [1, -2, 3.5, .pi, -0, 1e-30])
        let b = Tensor(shape: [4], scalars: [0, 1, 2, 3])
        let path = directory.appendingPathComponent("t.safetensors").path
        try SafeTensorsWriter.write(["a": a, "b.weight": b], metadata: ["format": "pt"], to: path)
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(file.names, ["a", "b.weight"])
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(try file.tensor("a").shape, [2, 3])
        XCTAssertEqual(try file.tensor("a").scalars.map(\.bitPattern), a.scalars.map(\.bitPattern))
        XCTAssertEqual(try file.tensor("b.weight", shape: [4]).scalars, b.scalars)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".part"))
    }

    /// Half-precision files as torch writes them: F16 and BF16 bit patterns converted on load.
    func testHalfPrecisionTypesConvertOnLoad() throws {
        let header = #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for bits: UInt16 in [0x3C00, 0xC000, 0x3555] { withUnsafeBytes(of: bits.littleEndian) { data.append(contentsOf: $0) } }  // 1, -2, ≈1/3
        for bits: UInt16 in [0x3F80, 0x4049] { withUnsafeBytes(of: bits.littleEndian) { data.append(contentsOf: $0) } }  // 1, ≈π
        let path = directory.appendingPathComponent("half.safetensors").path
        try data.write(to: URL(fileURLWithPath: path))
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(try file.tensor("h").scalars, [1, -2, Float(Float16(bitPattern: 0x3555))])
        XCTAssertEqual(try file.tensor("h").scalars[2], 1 / 3, accuracy: 1e-3)
        XCTAssertEqual(try file.tensor("b").scalars[0], 1)
        XCTAssertEqual(try file.tensor("b").scalars[1], 3.140625)
    }

    func testMissingAndMisshapedTensorsAreNamedInTheError() throws {
        let path = directory.appendingPathComponent("t.safetensors").path
        try SafeTensorsWriter.write(["w": Tensor(zeros: [2, 2])], to: path)
        let file = try SafeTensorsFile(path: path)
        XCTAssertThrowsError(try file.tensor("missing")) { XCTAssertEqual($0 as? SafeTensorsError, .missing(name: "missing")) }
        XCTAssertThrowsError(try file.tensor("w", shape: [4])) {
            XCTAssertEqual($0 as? SafeTensorsError, .shapeMismatch(name: "w", expected: [4], found: [2, 2]))
        }
    }

    func testNotASafetensorsFileIsRefused() throws {
        let path = directory.appendingPathComponent("text.safetensors").path
        try Data("this is not a tensor file at all".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensorsFile(path: path)) { error in
            guard case .malformed = error as? SafeTensorsError else { return XCTFail("got \(error)") }
        }
        XCTAssertThrowsError(try SafeTensorsFile(path: directory.appendingPathComponent("absent").path)) { error in
            guard case .unreadable = error as? SafeTensorsError else { return XCTFail("got \(error)") }
        }
    }

    /// A weights file whose tensor has the wrong shape for the config fails on load with the tensor's name.
    func testWeightsOfTheWrongShapeAreRefusedWithTheTensorName() throws {
        var config = try Fixtures.tinyConfig()
        config.ffnDim += 1
        XCTAssertThrowsError(try WanWeights(file: Fixtures.file("wan_tiny.safetensors"), config: config)) { error in
            XCTAssertEqual(error as? SafeTensorsError,
                           .shapeMismatch(name: "blocks.0.ffn.net.0.proj.weight", expected: [49, 24], found: [48, 24]))
        }
    }

    func testConfigRoundTripsThroughDiffusersJSON() throws {
        let config = try Fixtures.tinyConfig()
        XCTAssertEqual(config.dim, 24)
        XCTAssertEqual(config.patchSize, [1, 2, 2])
        let again = try JSONDecoder().decode(WanConfig.self, from: JSONEncoder().encode(config))
        XCTAssertEqual(again, config)
        let wan = try JSONDecoder().decode(WanConfig.self, from: Data(#"{"num_attention_heads":12,"attention_head_dim":128,"ffn_dim":8960,"num_layers":30}"#.utf8))
        XCTAssertEqual(wan, .wan13B)
    }
}
