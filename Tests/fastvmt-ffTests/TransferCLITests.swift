import Foundation
import Testing
import TestSupport

/// The motion-transfer path of the built binary with the built-in model, on short schedules (the debug build of
/// the kernels is slow; the schedule does not change what is checked).
@Suite struct TransferCLITests {
    let binary = builtProduct("fastvmt-ff")
    let quick = ["--steps", "4", "--opt-steps", "1", "--iters", "3", "--strength", "1"]

    @Test func promptGivesAClipOfTheModelsLengthAtTheSourceSizeWithAReport() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("out.mp4"), report = dir.path("run.json")
        let result = try run(binary, [sample("testsrc2_audio.mp4"), "--prompt", "a red circle on a striped gray background",
                                      out, "--report", report] + quick)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let probe = try Probe(out)
        #expect(probe.video?.codec == "h264")
        #expect(probe.video?.width == 320 && probe.video?.height == 240)
        #expect(probe.video?.frames == 16)
        #expect(probe.audio?.codec == "aac", "audio of the frames used is copied")
        #expect(result.stderr.contains("using frames 0–15"))
        #expect(result.stderrLines.last?.hasPrefix("done: 4 steps") == true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        #expect(json["freshGradients"] as? Int == 1, "fast: iterations 0 of 3 fresh (interval 3)")
        #expect(json["reusedGradients"] as? Int == 2)
        #expect((json["seconds"] as? [String: Double])?["guidance"] != nil)
        #expect((json["preset"] as? [String: Any])?["shift"] as? Double == 3, "the preset leaves the shift to the built-in model")
        #expect(try dir.contents() == ["out.mp4", "run.json"])
    }

    @Test func unknownWordsAreNamedAndTheRunGoesOn() throws {
        let dir = try TemporaryDirectory()
        let result = try run(binary, [sample("ball.mp4"), "--prompt", "a red zebra on a black background", dir.path("z.mkv"),
                                      "--preset", "ditflow", "--iters", "1"] + quick.filter { $0 != "--iters" && $0 != "3" })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("left out: zebra"))
        #expect(try Probe(dir.path("z.mkv")).video?.frames == 16)
    }

    @Test func pipesCarryTheGeneratedClip() throws {
        let dir = try TemporaryDirectory()
        let result = try shell("ffmpeg -nostdin -v error -i \(sample("ball.mp4")) -f nut - | \(binary) - --prompt 'a blue square' "
            + "-f nut - \(quick.joined(separator: " ")) -q | ffmpeg -nostdin -v error -i - -c:v libx264 \(dir.path("p.mp4"))")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Probe(dir.path("p.mp4")).video?.frames == 16)
    }

    @Test func badPresetsPromptsAndModelsAreOneLineErrors() throws {
        let dir = try TemporaryDirectory()
        for (arguments, says) in [
            (["--prompt", "a red circle", "--preset", "fastest"], "no preset named fastest"),
            (["--prompt", "   "], "--prompt is empty"),
            (["--prompt", "a red circle", "--skip", "0"], "skip interval"),
            (["--prompt", "a red circle", "--shift", "0"], "shift must be positive"),
            (["--prompt", "a red circle", "--size", "33x33"], "must be even"),
            (["--prompt", "a red circle", "--model", dir.path("nowhere")], "no such model directory"),
        ] {
            let result = try run(binary, [sample("ball.mp4"), dir.path("x.mp4")] + arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(says), "\(result.stderr)")
        }
        #expect(try dir.contents().isEmpty)
    }

    @Test func modelInfoListsTheVocabularyAndPresetsAreListed() throws {
        let info = try run(binary, ["--model-info"])
        #expect(info.status == 0)
        let text = String(decoding: info.stdout, as: UTF8.self)
        #expect(text.contains("vocabulary") && text.contains("circle") && text.contains("checkered"))
        #expect(text.contains("sampling shift: 3.0"), "the built-in model's manifest names its shift")
        let presets = String(decoding: try run(binary, ["--list-presets"]).stdout, as: UTF8.self)
        #expect(presets.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["fast", "ditflow", "quality"])
    }
}
