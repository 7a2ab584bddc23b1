import Foundation

/// A GitHub-flavoured markdown table, the form every section of BENCHMARKS.md takes. A `|` inside a cell is
/// escaped so a label cannot shift the columns.
struct MarkdownTable {
    let headers: [String]
    private(set) var rows: [[String]] = []

    init(_ headers: [String]) { self.headers = headers }

    mutating func append(_ cells: [String]) {
        precondition(cells.count == headers.count, "\(cells.count) cells for \(headers.count) columns")
        rows.append(cells)
    }

    var text: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        return ([line(headers), "|" + String(repeating: "---|", count: headers.count)] + rows.map(line)).joined(separator: "\n")
    }
}

/// The machine-readable form of a benchmark's results: pretty, key-sorted JSON, to a file or to stdout for "-".
enum JSONOutput {
    static func write<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(value)
        if path == "-" {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            try data.write(to: URL(fileURLWithPath: path))
        }
    }
}

/// Number formatting shared by the tables.
enum Format {
    static func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
}
