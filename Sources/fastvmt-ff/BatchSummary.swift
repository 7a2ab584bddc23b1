import Foundation

/// What happened to one file of a batch.
struct BatchOutcome: Encodable, Sendable {
    enum Status: String, Encodable, Sendable {
        case success = "SUCCESS", skipped = "SKIPPED", failed = "FAILED"
    }

    let file: String
    let input: String
    let output: String
    let status: Status
    let prompt: String?
    let seconds: Double?
    let error: String?
}

/// The end of a batch: one line on stderr, and `--summary FILE.json` for scripts.
struct BatchSummary: Encodable {
    let succeeded: Int
    let skipped: Int
    let failed: Int
    let shard: String?
    let files: [BatchOutcome]

    init(_ files: [BatchOutcome], shard: Shard?) {
        self.files = files
        self.shard = shard?.description
        succeeded = files.filter { $0.status == .success }.count
        skipped = files.filter { $0.status == .skipped }.count
        failed = files.filter { $0.status == .failed }.count
    }

    var line: String {
        "\(files.count) file\(files.count == 1 ? "" : "s")\(shard.map { " (shard \($0))" } ?? ""): "
            + "\(succeeded) SUCCESS, \(skipped) SKIPPED, \(failed) FAILED"
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: path, what: "the summary")
    }
}
