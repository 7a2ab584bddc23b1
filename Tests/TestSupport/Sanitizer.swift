import Foundation

/// The sanitizer scripts/sanitize.sh runs the suite under ("address", "thread"), nil in a normal run: some checks do
/// not hold under one (resident memory grows with its shadow memory; TSan's runtime faults under `ulimit -f`).
public let activeSanitizer = ProcessInfo.processInfo.environment["FASTVMT_SANITIZER"]

public var underSanitizer: Bool { activeSanitizer != nil }
