import Foundation

/// The repository's root, found from this file's location.
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

public func sample(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("samples").appendingPathComponent(name).path
}

/// A built executable of this package: it sits beside the test bundle in the build products folder.
public func builtProduct(_ name: String) -> String {
    var dir = Bundle.main.bundleURL
    if dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
    return dir.appendingPathComponent(name).path
}
