import Testing
import TestSupport

/// Runs fastvmt-ff expecting a clean failure: exit status 1, exactly one line on stderr that contains every text of
/// `mentions`, and `dir` (where the output would have gone) left as it was: no output, no `.part`.
/// Progress is off: on a loaded machine a run can pass the one-second mark of the first progress line before it fails.
func expectCleanFailure(_ arguments: [String], in dir: TemporaryDirectory, mentions: [String],
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
    let before = try dir.contents()
    let result = try run(builtProduct("fastvmt-ff"), arguments + ["--progress", "none"])
    #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderrLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
    for text in mentions {
        #expect(result.stderr.contains(text), "wanted '\(text)' in: \(result.stderr)", sourceLocation: sourceLocation)
    }
    #expect(try dir.contents() == before, "no output, no .part", sourceLocation: sourceLocation)
}
