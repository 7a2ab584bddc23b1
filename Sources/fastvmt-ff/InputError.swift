/// A problem the user can fix in a file they named (a prompts file, a model directory): one line that names it, exit
/// status 1, and no "see --help", since the command line itself was fine.
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
