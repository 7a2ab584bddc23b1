import Foundation

/// One file of a batch and what will be done with it.
struct BatchItem: Sendable {
    enum Action: Sendable {
        case transfer(prompt: String)
        case reencode
        /// The output exists and --overwrite was not given: a finished file from an earlier run.
        case skip
        /// Known to fail before any decoding (an empty sidecar, no prompt).
        case fail(String)
    }

    /// Relative to the batch folder; the output mirrors it.
    let file: String
    let input: String
    let output: String
    let action: Action

    var prompt: String? {
        if case .transfer(let prompt) = action { return prompt }
        return nil
    }

    /// One line of `--dry-run`.
    var dryRunLine: String {
        switch action {
        case .transfer(let prompt): return "\(input) → \(output): \"\(prompt)\""
        case .reencode: return "\(input) → \(output): re-encode"
        case .skip: return "SKIP \(input) → \(output) (exists)"
        case .fail(let reason): return "FAIL \(input): \(reason)"
        }
    }
}

/// The files of `--batch DIR` in sorted order (this shard's part), each with its output under `--out` and its action.
struct BatchPlan: Sendable {
    let items: [BatchItem]

    init(directory: String, outputDirectory: String, format: String?, prompts: PromptSources, shard: Shard?,
         overwrite: Bool, log: Log) throws {
        let root = URL(fileURLWithPath: directory), outRoot = URL(fileURLWithPath: outputDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("\(directory): no such folder")
        }
        let all = try BatchInputs.find(in: root, excluding: outRoot)
        for file in prompts.unmatched(all) {
            log.info("\(prompts.tablePath ?? "--prompts") names \(file), which is not a video in \(directory)")
        }
        items = (shard?.select(all) ?? all).map { file in
            var output = outRoot.appendingPathComponent(file)
            if let format { output = output.deletingPathExtension().appendingPathExtension(BatchPlan.fileExtension(format)) }
            let input = root.appendingPathComponent(file).path
            let action: BatchItem.Action
            if !overwrite && FileManager.default.fileExists(atPath: output.path) {
                action = .skip
            } else {
                do {
                    action = try prompts.prompt(for: file, in: root).map { .transfer(prompt: $0) } ?? .reencode
                } catch {
                    action = .fail("\(error)")
                }
            }
            return BatchItem(file: file, input: input, output: output.path, action: action)
        }
    }

    /// The usual file extension of an FFmpeg container name given to `-f`.
    static func fileExtension(_ format: String) -> String {
        ["matroska": "mkv", "ipod": "m4v", "mpegts": "ts"][format] ?? format
    }
}
