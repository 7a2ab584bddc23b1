import Foundation
import Testing
import TestSupport

/// SIGINT / SIGTERM mid-run and a reader that closes the pipe early.
@Suite struct InterruptTests {
    let binary = builtProduct("fastvmt-ff")

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalMidRunLeavesNoOutput(signal: Int32, status: Int32) throws {
        let dir = try TemporaryDirectory()
        // A real-time source on stdin keeps the run going while the signal is sent.
        let source = Process()
        source.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        source.arguments = ["ffmpeg", "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=8",
                            "-t", "30", "-f", "nut", "-"]
        let pipe = Pipe()
        source.standardOutput = pipe
        let errors = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: errors.path("stderr"), contents: nil)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: binary)
        run.arguments = ["-", dir.path("out.mp4")]
        run.standardInput = pipe
        run.standardError = try FileHandle(forWritingTo: errors.url.appendingPathComponent("stderr"))
        try source.run()
        try run.run()
        // Reaped, not just signalled: Foundation keeps a Process that was never waited for alive (LeakSanitizer sees it).
        defer {
            source.terminate()
            source.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: dir.path("out.mp4.part")) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(FileManager.default.fileExists(atPath: dir.path("out.mp4.part")), "the run is writing")
        kill(run.processIdentifier, signal)
        run.waitUntilExit()
        let stderr = String(decoding: try Data(contentsOf: errors.url.appendingPathComponent("stderr")), as: UTF8.self)
        #expect(run.terminationReason == .exit && run.terminationStatus == status, "\(stderr)")
        #expect(stderr.split(separator: "\n").last?.hasPrefix("fastvmt-ff: interrupted by SIG") == true, "\(stderr)")
        #expect(try dir.contents().isEmpty)
    }

    @Test func aReaderThatStopsEarlyEndsTheRunCleanly() throws {
        let result = try shell("'\(binary)' '\(sample("testsrc2_audio.mp4"))' -f nut - | head -c 1000 > /dev/null")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }
}
