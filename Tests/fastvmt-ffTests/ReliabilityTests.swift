import Foundation
import Testing
import TestSupport

/// The corpus of scripts/make_corpus.sh, made once per version of the script and shared by every test.
let corpus: String = {
    let script = repositoryRoot.appendingPathComponent("scripts/make_corpus.sh").path
    let bytes = (try? Data(contentsOf: URL(fileURLWithPath: script))) ?? Data()
    let digest = bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }  // FNV-1a
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fastvmt-corpus-\(String(digest, radix: 16))")
    let done = dir.appendingPathComponent(".complete")
    if !FileManager.default.fileExists(atPath: done.path) {
        let made = try? run("/bin/bash", [script, dir.path])
        precondition(made?.status == 0, "make_corpus.sh failed: \(made?.stderr ?? "did not start")")
        _ = FileManager.default.createFile(atPath: done.path, contents: nil)
    }
    return dir.path
}()

func corpusFile(_ name: String) -> String { corpus + "/" + name }

/// Every case of RELIABILITY.md: awkward inputs either work (checked with ffprobe) or fail with exit status 1 and one
/// line that names the file and the reason, leaving nothing behind.
@Suite struct ReliabilityTests {
    let binary = builtProduct("fastvmt-ff")
    /// A short schedule: these tests are about inputs and outputs, not about the picture.
    let quick = ["--steps", "6", "--opt-steps", "2", "--iters", "2"]

    // MARK: inputs that cannot work

    @Test(arguments: [
        ("empty.mp4", "the file is empty"),
        ("text.mp4", "Invalid data found"),
        ("truncated-10.mp4", "moov atom not found"),
        ("truncated-50.mp4", "moov atom not found"),
        ("truncated-90.mp4", "moov atom not found"),
        ("truncated-faststart-10.mp4", "truncated?"),
        ("audio-only.m4a", "no video stream"),
    ])
    func unreadableInputFailsCleanly(file: String, reason: String) throws {
        let dir = try TemporaryDirectory()
        try expectCleanFailure([corpusFile(file), dir.path("out.mp4")], in: dir, mentions: [file, reason])
        try expectCleanFailure([corpusFile(file), dir.path("out.mp4"), "--prompt", "a red circle"] + quick, in: dir,
                               mentions: [file, reason])
    }

    @Test(arguments: [("still.png", 1), ("still.jpg", 1), ("frames-1.mp4", 1), ("frames-2.mp4", 2), ("frames-3.mp4", 3)])
    func tooShortForMotionFailsCleanly(file: String, frames: Int) throws {
        let dir = try TemporaryDirectory()
        try expectCleanFailure([corpusFile(file), dir.path("out.mp4"), "--prompt", "a red circle"] + quick, in: dir,
                               mentions: [file, "\(frames) video frame", "needs at least 4"])
    }

    @Test func shortClipsAndStillsStillReencode() throws {
        let dir = try TemporaryDirectory()
        for (file, frames) in [("frames-1.mp4", 1), ("frames-3.mp4", 3), ("still.png", 1)] {
            let result = try run(binary, [corpusFile(file), dir.path(file + ".mp4")])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try Probe(dir.path(file + ".mp4")).video?.frames == frames, "\(file)")
        }
    }

    @Test func strictStopsAtDamagedPacketsAndTruncation() throws {
        let dir = try TemporaryDirectory()
        try expectCleanFailure([corpusFile("corrupt-packets.mkv"), dir.path("out.mp4"), "--strict"], in: dir,
                               mentions: ["corrupt-packets.mkv", "damaged video data at 1."])
        try expectCleanFailure([corpusFile("truncated-50.mkv"), dir.path("out.mp4"), "--strict"], in: dir,
                               mentions: ["truncated-50.mkv", "truncated?"])
    }

    @Test func badModelDirectoriesFailCleanly() throws {
        let dir = try TemporaryDirectory(), out = try TemporaryDirectory()
        let arguments = [sample("ball.mp4"), out.path("out.mp4"), "--prompt", "a red circle"] + quick
        try expectCleanFailure(arguments + ["--model", dir.path("missing")], in: out, mentions: ["missing", "no such model"])

        // The shipped model with one tensor's shape changed in the header (same bytes, wrong shape).
        let resources = repositoryRoot.appendingPathComponent("Sources/BuiltInModel/Resources")
        let model = dir.url.appendingPathComponent("model")
        try FileManager.default.copyItem(at: resources, to: model)
        let weights = model.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: weights)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
        var header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + headerLength)))
            as? [String: Any])
        var entry = try #require(header["blocks.0.attn1.norm_k.weight"] as? [String: Any])
        let shape = try #require(entry["shape"] as? [Int])
        entry["shape"] = [2, shape.reduce(1, *) / 2]
        header["blocks.0.attn1.norm_k.weight"] = entry
        var json = try JSONSerialization.data(withJSONObject: header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var length = UInt64(json.count).littleEndian
        try (Data(bytes: &length, count: 8) + json + bytes.suffix(from: 8 + headerLength)).write(to: weights)
        try expectCleanFailure(arguments + ["--model", model.path], in: out,
                               mentions: ["blocks.0.attn1.norm_k.weight", "has shape [2, \(shape[0] / 2)]"])

        try Data("{".utf8).write(to: model.appendingPathComponent("config.json"))
        try expectCleanFailure(arguments + ["--model", model.path], in: out, mentions: [model.path, "not valid JSON"])
    }

    @Test func badPromptsFailCleanly() throws {
        let dir = try TemporaryDirectory()
        try expectCleanFailure([sample("ball.mp4"), dir.path("out.mp4"), "--prompt", " "], in: dir, mentions: ["--prompt is empty"])
        // Invalid UTF-8 cannot be put in a Swift string: bash's printf puts the raw byte in the argument.
        let result = try shell("'\(binary)' '\(sample("ball.mp4"))' '\(dir.path("out.mp4"))' --prompt \"$(printf 'a red \\xff circle')\"")
        #expect(result.status == 1 && result.stderrLines == ["fastvmt-ff: --prompt is not valid UTF-8 text (see --help)"],
                "\(result.stderr)")

        let clips = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: sample("ball.mp4"), toPath: clips.path("clip.mp4"))
        try expectCleanFailure(["--batch", clips.url.path, "--out", dir.path("out"), "--prompts",
                                corpusFile("prompts-latin1.tsv")] + quick, in: dir,
                               mentions: ["prompts-latin1.tsv:1: not UTF-8 text"])

        // Sidecars: a Latin-1 one and an empty one fail their own file only.
        try FileManager.default.copyItem(atPath: sample("ball.mp4"), toPath: clips.path("other.mp4"))
        try FileManager.default.copyItem(atPath: corpusFile("latin1.prompt.txt"), toPath: clips.path("clip.prompt.txt"))
        try FileManager.default.copyItem(atPath: corpusFile("empty.prompt.txt"), toPath: clips.path("other.prompt.txt"))
        let batch = try run(binary, ["--batch", clips.url.path, "--out", dir.path("out"), "--prompt", "a red circle"] + quick)
        #expect(batch.status == 1)
        #expect(batch.stderr.contains("FAILED clip.mp4: \(clips.path("clip.prompt.txt")):1: not UTF-8 text"), "\(batch.stderr)")
        #expect(batch.stderr.contains("FAILED other.mp4: other.prompt.txt is empty"), "\(batch.stderr)")
        #expect(batch.stderrLines.last == "fastvmt-ff: 2 files: 0 SUCCESS, 0 SKIPPED, 2 FAILED")
    }

    // MARK: inputs that work

    /// Each of these must give a valid file of the stated size: the transfer writes the model's 16 frames at the
    /// source's displayed size (even sides, at least 2×2), a re-encode every frame.
    @Test(arguments: [
        ("size-1x1.mkv", 2, 2), ("size-4097x17.mkv", 4096, 16), ("size-321x241-yuv420p.mkv", 320, 240),
        ("10bit.mkv", 160, 120), ("yuv444.mp4", 160, 120), ("vfr.mkv", 160, 120), ("rotated.mp4", 120, 160),
    ])
    func awkwardButValidInputWorks(file: String, width: Int, height: Int) throws {
        let dir = try TemporaryDirectory()
        let transfer = try run(binary, [corpusFile(file), dir.path("t.mp4"), "--prompt", "a red circle"] + quick)
        #expect(transfer.status == 0, "\(transfer.stderr)")
        let t = try Probe(dir.path("t.mp4")).video
        #expect(t?.width == width && t?.height == height && t?.frames == 16, "\(String(describing: t))")

        let reencode = try run(binary, [corpusFile(file), dir.path("r.mp4")])
        #expect(reencode.status == 0, "\(reencode.stderr)")
        let r = try Probe(dir.path("r.mp4")).video
        #expect(r?.width == width && r?.height == height, "\(String(describing: r))")
        #expect(try dir.contents() == ["r.mp4", "t.mp4"])
    }

    @Test func variableFrameRateBecomesConstant() throws {
        // 30 frames in the first second, then 10 a second for 3 s: at a constant 30 fps that is about 4 s of frames.
        let dir = try TemporaryDirectory()
        #expect(try run(binary, [corpusFile("vfr.mkv"), dir.path("r.mp4")]).status == 0)
        let video = try #require(try Probe(dir.path("r.mp4")).video)
        #expect(video.frameRate == 30)
        #expect((110...122).contains(video.frames ?? 0), "\(String(describing: video.frames))")
    }

    @Test func damagedPacketsAreSkippedAndReported() throws {
        let dir = try TemporaryDirectory()
        let result = try run(binary, [corpusFile("corrupt-packets.mkv"), dir.path("r.mp4")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("corrupt-packets.mkv: ") && result.stderr.contains("damaged video packets skipped"),
                "\(result.stderr)")
        #expect(result.stderr.contains("the first at 1."), "the clean first second is not blamed: \(result.stderr)")
        // 2.67 s at 24 fps: frames that could not be decoded are filled by their neighbours on the constant-rate grid.
        let frames = try #require(try Probe(dir.path("r.mp4")).video?.frames)
        #expect((62...64).contains(frames), "the frame grid is kept: \(frames)")
    }

    @Test(arguments: ["truncated-50.mkv", "truncated-faststart-50.mp4"])
    func truncatedFilesKeepWhatIsThereAndSaySo(file: String) throws {
        let dir = try TemporaryDirectory()
        let result = try run(binary, [corpusFile(file), dir.path("r.mp4")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(file): ") && result.stderr.contains("2.0"), "\(result.stderr)")
        let frames = try #require(try Probe(dir.path("r.mp4")).video?.frames)
        #expect((18...30).contains(frames), "about half of the 48 frames: \(frames)")
    }

    @Test func longInputUsesOneWindowChosenByStart() throws {
        let dir = try TemporaryDirectory()
        let first = try run(binary, [corpusFile("long-40s.mp4"), dir.path("a.mp4"), "--prompt", "a red circle"] + quick)
        #expect(first.status == 0)
        #expect(first.stderr.contains("the model makes 16 frames at a time"), "\(first.stderr)")
        let later = try run(binary, [corpusFile("long-40s.mp4"), dir.path("b.mp4"), "--prompt", "a red circle",
                                     "--start", "30"] + quick)
        #expect(later.status == 0, "\(later.stderr)")
        for name in ["a.mp4", "b.mp4"] {
            let probe = try Probe(dir.path(name))
            #expect(probe.video?.frames == 16)
            #expect(probe.audio != nil, "the window's audio is copied")
        }
    }

    /// Memory is measured, not timed: a 40 s input may not cost more than a 2 s one beyond noise, since the reader
    /// streams (re-encode) or stops after the model's window (transfer).
    @Test(.disabled(if: underSanitizer, "a sanitizer's shadow memory and quarantine grow resident memory"))
    func memoryDoesNotGrowWithInputLength() throws {
        let dir = try TemporaryDirectory()
        try ffmpeg(["-i", corpusFile("long-40s.mp4"), "-t", "2", "-c", "copy", dir.path("short.mp4")])
        func peak(_ arguments: [String]) throws -> Int {
            let (status, kib) = try runMeasuringMemory(binary, arguments + ["-y", dir.path("out.mp4")])
            #expect(status == 0)
            return kib
        }
        let transfer = ["--prompt", "a red circle"] + quick
        let (shortTransfer, longTransfer) = (try peak([dir.path("short.mp4")] + transfer),
                                             try peak([corpusFile("long-40s.mp4")] + transfer))
        let (shortCopy, longCopy) = (try peak([dir.path("short.mp4")]), try peak([corpusFile("long-40s.mp4")]))
        #expect(Double(longTransfer) < 1.15 * Double(shortTransfer), "\(longTransfer) KiB vs \(shortTransfer) KiB")
        #expect(Double(longCopy) < 1.15 * Double(shortCopy), "\(longCopy) KiB vs \(shortCopy) KiB")
    }

    @Test func unknownWordsStillRunAndAreListed() throws {
        let dir = try TemporaryDirectory()
        let result = try run(binary, [sample("ball.mp4"), dir.path("out.mp4"), "--prompt", "a red xyzzy circle"] + quick)
        #expect(result.status == 0)
        #expect(result.stderr.contains("words the model does not know were left out: xyzzy"), "\(result.stderr)")
    }

    // MARK: a batch of the whole corpus

    @Test func batchOfTheCorpusKeepsEveryGoodFile() throws {
        let dir = try TemporaryDirectory()
        let input = dir.path("in")
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        let bad = ["empty.mp4", "text.mp4", "truncated-50.mp4", "frames-2.mp4", "audio-only.m4a"]
        let good = ["10bit.mkv", "rotated.mp4", "size-1x1.mkv", "corrupt-packets.mkv", "truncated-50.mkv"]
        for name in bad + good { try FileManager.default.copyItem(atPath: corpusFile(name), toPath: input + "/" + name) }
        let result = try run(binary, ["--batch", input, "--out", dir.path("out"), "--prompt", "a red circle"] + quick)
        #expect(result.status == 1)
        // audio-only.m4a is not a video extension, so the batch does not pick it up.
        #expect(result.stderrLines.last == "fastvmt-ff: 9 files: 5 SUCCESS, 0 SKIPPED, 4 FAILED", "\(result.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
        #expect(written == good.sorted(), "no .part files")
        for name in good { #expect(try Probe(dir.path("out/" + name)).video?.frames == 16, "\(name)") }
    }
}
