import Foundation
import Testing
import TestSupport

/// `--batch`: a folder of short generated clips (one of them corrupt) through the built binary.
@Suite struct BatchTests {
    let binary = builtProduct("fastvmt-ff")
    let quick = ["--steps", "3", "--opt-steps", "1", "--iters", "2", "--strength", "1"]

    /// `names` as 2 s, 64×64, 8 fps clips under `dir` (subfolders made as needed).
    func clips(_ names: [String], in dir: TemporaryDirectory) throws {
        for name in names {
            try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(name).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=8", "-t", "2", dir.path(name)])
        }
    }

    func files(under root: String) -> [String] {
        let walker = FileManager.default.enumerator(atPath: root)
        return (walker?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    func summary(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func oneCorruptFileFailsAloneAndARerunSkipsTheRest() throws {
        let dir = try TemporaryDirectory()
        try clips(["in/a.mp4", "in/b.mkv", "in/sub/c.mp4", "in/sub/deeper/d.mov"], in: dir)
        try Data("not a video\n".utf8).write(to: URL(fileURLWithPath: dir.path("in/sub/broken.mp4")))
        try Data("a blue square\n".utf8).write(to: URL(fileURLWithPath: dir.path("in/sub/c.prompt.txt")))
        let arguments = ["--batch", dir.path("in"), "--prompt", "a red circle", "--out", dir.path("out"), "--jobs", "2",
                         "--summary", dir.path("summary.json")] + quick

        let first = try run(binary, arguments)
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stdout.isEmpty)
        #expect(first.stderrLines.last == "fastvmt-ff: 5 files: 4 SUCCESS, 0 SKIPPED, 1 FAILED", "\(first.stderr)")
        #expect(first.stderr.contains("FAILED sub/broken.mp4"))
        #expect(files(under: dir.path("out")) == ["a.mp4", "b.mkv", "sub/c.mp4", "sub/deeper/d.mov"], "mirrored, no .part")
        for name in ["a.mp4", "b.mkv", "sub/c.mp4", "sub/deeper/d.mov"] {
            #expect(try Probe(dir.path("out/" + name)).video?.frames == 16, "\(name)")
        }
        let json = try summary(dir.path("summary.json"))
        #expect(json["succeeded"] as? Int == 4 && json["failed"] as? Int == 1 && json["skipped"] as? Int == 0)
        let entries = try #require(json["files"] as? [[String: Any]])
        #expect(entries.map { $0["file"] as? String } == ["a.mp4", "b.mkv", "sub/broken.mp4", "sub/c.mp4", "sub/deeper/d.mov"])
        #expect(entries[3]["prompt"] as? String == "a blue square", "the sidecar wins over --prompt")
        #expect(entries[0]["prompt"] as? String == "a red circle")
        #expect((entries[2]["error"] as? String)?.contains("broken.mp4") == true)

        let again = try run(binary, arguments)
        #expect(again.status == 1, "the corrupt file fails again")
        #expect(again.stderrLines.last == "fastvmt-ff: 5 files: 0 SUCCESS, 4 SKIPPED, 1 FAILED", "\(again.stderr)")
        #expect(try summary(dir.path("summary.json"))["skipped"] as? Int == 4)
    }

    @Test func twoShardsCoverTheListExactlyOnce() throws {
        let dir = try TemporaryDirectory()
        let names = ["in/a.mp4", "in/b.mp4", "in/c/x.nut", "in/c/y.webm", "in/d.avi"]
        try clips(names, in: dir)
        var done: [String] = []
        for shard in ["1/2", "2/2"] {
            let result = try run(binary, ["--batch", dir.path("in"), "--out", dir.path("out"), "--shard", shard,
                                          "--summary", dir.path("s.json")])
            #expect(result.status == 0, "\(result.stderr)")
            let entries = try #require(try summary(dir.path("s.json"))["files"] as? [[String: Any]])
            #expect(entries.allSatisfy { $0["status"] as? String == "SUCCESS" })
            done += entries.compactMap { $0["file"] as? String }
        }
        #expect(done.count == 5)
        #expect(Set(done) == ["a.mp4", "b.mp4", "c/x.nut", "c/y.webm", "d.avi"])
        #expect(Array(done.prefix(3)) == ["a.mp4", "c/x.nut", "d.avi"], "file k goes to shard k mod N + 1")
        #expect(files(under: dir.path("out")) == ["a.mp4", "b.mp4", "c/x.nut", "c/y.webm", "d.avi"])
    }

    @Test func dryRunNamesEachFilesOutputAndPromptAndWritesNothing() throws {
        let dir = try TemporaryDirectory()
        try clips(["in/a.mp4", "in/b.mp4", "in/c.mkv", "in/d.mp4"], in: dir)
        try Data("a blue square".utf8).write(to: URL(fileURLWithPath: dir.path("in/a.prompt.txt")))
        try Data("# file<TAB>prompt\na.mp4\ta green circle\n./b.mp4\ta red circle\n".utf8)
            .write(to: URL(fileURLWithPath: dir.path("prompts.tsv")))
        try FileManager.default.createDirectory(atPath: dir.path("out"), withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: dir.path("out/d.mkv")))
        let result = try run(binary, ["--batch", dir.path("in"), "--prompts", dir.path("prompts.tsv"), "--out", dir.path("out"),
                                      "-f", "matroska", "--dry-run"])
        #expect(result.status == 1, "c.mkv has no prompt")
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines == [
            "\(dir.path("in/a.mp4")) → \(dir.path("out/a.mkv")): \"a blue square\"",
            "\(dir.path("in/b.mp4")) → \(dir.path("out/b.mkv")): \"a red circle\"",
            "FAIL \(dir.path("in/c.mkv")): no prompt: not in \(dir.path("prompts.tsv")) and no c.prompt.txt",
            "SKIP \(dir.path("in/d.mp4")) → \(dir.path("out/d.mkv")) (exists)",
        ], "\(lines)")
        #expect(files(under: dir.path("out")) == ["d.mkv"])
    }

    @Test func batchUsageErrorsAreOneLine() throws {
        let dir = try TemporaryDirectory()
        try Data("a.mp4 without a tab\n".utf8).write(to: URL(fileURLWithPath: dir.path("p.tsv")))
        for (arguments, says) in [
            (["--batch", dir.path("nowhere"), "--out", dir.path("o")], "no such folder"),
            (["--batch", dir.path(""), "--out", dir.path("o"), "--prompts", dir.path("p.tsv")], "p.tsv:1"),
            (["--batch", dir.path(""), "--out", dir.path("o"), "--shard", "3/2"], "--shard"),
            (["--batch", dir.path("")], "--out"),
            ([sample("ball.mp4"), dir.path("x.mp4"), "--shard", "1/2"], "--batch"),
        ] {
            let result = try run(binary, arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(says), "\(result.stderr)")
        }
    }
}
