import Foundation
import Testing
import TestSupport

/// Each recipe in filters/ run as a user would, with the built binary and a generated source instead of a camera.
@Suite struct FilterRecipeTests {
    let binary = builtProduct("fastvmt-ff")
    let quick = "--steps 3 --opt-steps 1 --iters 2 --strength 1"

    func recipe(_ name: String) -> String { repositoryRoot.appendingPathComponent("filters/\(name)").path }

    @Test func webcam() throws {
        let dir = try TemporaryDirectory()
        let result = try shell("""
            FASTVMT_FF='\(binary)' INPUT='-f lavfi -i testsrc2=size=64x64:rate=8' \
            '\(recipe("webcam.sh"))' '\(dir.path("cam.mp4"))' 'a red circle' \(quick) -q
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try Probe(dir.path("cam.mp4"))
        #expect(probe.video?.frames == 16 && probe.video?.width == 64)
    }

    @Test func sideBySide() throws {
        let dir = try TemporaryDirectory()
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=8", "-t", "2", dir.path("in.mp4")])
        let result = try shell("""
            FASTVMT_FF='\(binary)' '\(recipe("side_by_side.sh"))' '\(dir.path("in.mp4"))' '\(dir.path("sbs.mp4"))' \
            'a blue square' \(quick) -q
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let probe = try Probe(dir.path("sbs.mp4"))
        #expect(probe.video?.width == 128 && probe.video?.height == 48)
        #expect(probe.video?.frames == 16)
    }

    @Test func batchParallel() throws {
        let dir = try TemporaryDirectory()
        for name in ["a", "b", "c"] {
            try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=8", "-t", "1", dir.path("\(name).mp4")])
        }
        let result = try shell("FASTVMT_FF='\(binary)' '\(recipe("batch_parallel.sh"))' '\(dir.url.path)' '\(dir.path("out"))' 2 -q")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
            == ["a.mp4", "b.mp4", "c.mp4", "summary-1-of-2.json", "summary-2-of-2.json"])
    }
}
