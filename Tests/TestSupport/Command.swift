import Foundation

/// The result of running a program to completion.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String

    public var stderrLines: [String] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}

/// Runs a program with its output captured in files (no pipe buffers to deadlock on) and no terminal on stdin.
public func run(_ executable: String, _ arguments: [String], stdin: URL? = nil) throws -> CommandResult {
    let dir = try TemporaryDirectory()
    let out = dir.url.appendingPathComponent("stdout"), err = dir.url.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: try Data(contentsOf: out),
                         stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
}

/// Runs a shell pipeline under bash with pipefail, so any failing stage fails the whole.
public func shell(_ script: String) throws -> CommandResult {
    try run("/bin/bash", ["-o", "pipefail", "-c", script])
}

/// Runs ffmpeg quietly and throws if it fails (fixtures are made with it).
public func ffmpeg(_ arguments: [String]) throws {
    let result = try run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments)
    if result.status != 0 { throw ToolFailure(command: "ffmpeg " + arguments.joined(separator: " "), output: result.stderr) }
}

public struct ToolFailure: Error, CustomStringConvertible {
    public var command: String
    public var output: String
    public var description: String { "\(command) failed: \(output)" }
}
