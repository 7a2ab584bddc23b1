import Foundation
import Testing
import TestSupport

/// The fuzzer's seeds and every input it ever flagged, replayed through the reader's in-memory path in a normal
/// build: a finding that was fixed stays fixed.
@Suite struct FuzzCorpusTests {
    @Test func seedsAndFindingsReplayCleanly() throws {
        let fuzz = repositoryRoot.appendingPathComponent("Tests/Fuzz")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: fuzz.appendingPathComponent("seeds").path)
        let findings = try FileManager.default.contentsOfDirectory(atPath: fuzz.appendingPathComponent("crashes").path)
            .filter { !$0.hasPrefix(".") }
        let result = try run(builtProduct("fastvmt-fuzz"), [fuzz.appendingPathComponent("seeds").path,
                                                            fuzz.appendingPathComponent("crashes").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self) == "replayed \(seeds.count + findings.count) inputs\n")
        #expect(seeds.count >= 10)
    }
}
