import DiT
import Foundation
import Tensor
import XCTest

/// The golden tensors written by scripts/make_fixtures.py from diffusers' WanTransformer3DModel.
enum Fixtures {
    static func url(_ name: String) -> URL {
        let base = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures") else {
            fatalError("fixture \(name) is missing; run scripts/make_fixtures.py")
        }
        return url
    }

    static func file(_ name: String) throws -> SafeTensorsFile { try SafeTensorsFile(path: url(name).path) }

    static func tinyConfig() throws -> WanConfig { try WanConfig.load(from: url("wan_tiny_config.json")) }

    static func tinyModel(weights: String = "wan_tiny.safetensors") throws -> WanTransformer {
        let config = try tinyConfig()
        return WanTransformer(config: config, weights: try WanWeights(file: file(weights), config: config))
    }
}

/// The one comparison every DiT test uses: max |actual − expected| over max |expected| (a relative error that does
/// not blow up at elements near zero), with shapes required to match.
func assertClose(
    _ actual: Tensor, _ expected: Tensor, maxRelativeError: Float, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.shape, expected.shape, "\(what): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let a = actual.scalars, e = expected.scalars
    var worst: Float = 0, scale: Float = 0
    for i in 0..<a.count {
        worst = max(worst, abs(a[i] - e[i]))
        scale = max(scale, abs(e[i]))
    }
    XCTAssertGreaterThan(scale, 0, "\(what): reference is all zeros", file: file, line: line)
    XCTAssertLessThanOrEqual(worst / scale, maxRelativeError, "\(what): max error \(worst) at scale \(scale)", file: file, line: line)
}
