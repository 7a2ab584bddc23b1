import Foundation

/// Where each file of a batch gets its prompt: a sidecar `NAME.prompt.txt` next to it, else its line in the
/// `--prompts` file, else `--prompt`.
struct PromptSources: Sendable {
    /// `--prompt`.
    let common: String?
    /// `--prompts`: relative path → prompt.
    let table: [String: String]
    let tablePath: String?

    init(common: String?, promptsFile: String?) throws {
        self.common = common
        tablePath = promptsFile
        table = try promptsFile.map(PromptSources.read) ?? [:]
    }

    /// Lines `relative/path.mp4<TAB>prompt`; blank lines and lines starting with # are skipped.
    private static func read(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError("\(path): cannot read the prompts file") }
        var table: [String: String] = [:]
        for (number, line) in try utf8Text(data, path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if text.trimmingCharacters(in: .whitespaces).isEmpty || text.hasPrefix("#") { continue }
            guard let tab = text.firstIndex(of: "\t") else {
                throw InputError("\(path):\(number + 1): want relative/path<TAB>prompt")
            }
            let file = normalized(String(text[..<tab]))
            let prompt = text[text.index(after: tab)...].trimmingCharacters(in: .whitespaces)
            guard !file.isEmpty, !prompt.isEmpty else { throw InputError("\(path):\(number + 1): empty path or prompt") }
            table[file] = prompt
        }
        return table
    }

    /// Prompts are read as UTF-8; another encoding (Latin-1 from an old editor) would turn words into ones the model
    /// does not know, so it is refused with the line it is on.
    private static func utf8Text(_ data: Data, _ path: String) throws -> String {
        if let text = String(data: data, encoding: .utf8) { return text }
        let line = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .firstIndex { String(data: Data($0), encoding: .utf8) == nil }.map { $0 + 1 } ?? 1
        throw InputError("\(path):\(line): not UTF-8 text (save the file as UTF-8)")
    }

    /// "./a//b.mp4" and "a/b.mp4" name the same file.
    private static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// The sidecar of `clip.mp4` is `clip.prompt.txt` in the same folder.
    static func sidecar(of input: URL) -> URL {
        input.deletingPathExtension().appendingPathExtension("prompt.txt")
    }

    /// The prompt for `relative` under `directory`; nil means re-encode (no prompt was asked for at all).
    func prompt(for relative: String, in directory: URL) throws -> String? {
        let sidecar = PromptSources.sidecar(of: directory.appendingPathComponent(relative))
        if let data = FileManager.default.contents(atPath: sidecar.path) {
            let text = try PromptSources.utf8Text(data, sidecar.path).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw InputError("\(sidecar.lastPathComponent) is empty") }
            return text
        }
        if let listed = table[relative] { return listed }
        if let common { return common }
        if let tablePath { throw InputError("no prompt: not in \(tablePath) and no \(sidecar.lastPathComponent)") }
        return nil
    }

    /// Lines of the prompts file that name no file of the batch: most likely typos, worth a warning.
    func unmatched(_ files: [String]) -> [String] {
        let present = Set(files)
        return table.keys.filter { !present.contains($0) }.sorted()
    }
}
