import ArgumentParser
import Foundation
import VideoIO

/// Exit status: 0 done, 1 bad input or usage (one line says why) or a batch with a failed file, 2 internal error,
/// 130 / 143 interrupted by SIGINT / SIGTERM.
@main
enum Entry {
    static func main() {
        Signals.install()
        do {
            var command = try parse(Array(CommandLine.arguments.dropFirst()))
            try command.run()
        } catch let error as VideoIOError {
            Log.error(error.description)
            exit(error.isUserError ? 1 : 2)
        } catch let error as InputError {
            Log.error(error.description)
            exit(1)
        } catch let code as ExitCode where code != .success {
            // The run has already said why (a batch's FAILED lines and summary).
            exit(code.rawValue)
        } catch {
            let code = FastVMTFF.exitCode(for: error)
            if code == .success, InfoCommand.isChosen(by: Array(CommandLine.arguments.dropFirst())) {
                print(InfoCommand.fullMessage(for: error))
                exit(0)
            }
            if code == .success {
                print(FastVMTFF.fullMessage(for: error))
                exit(0)
            }
            let message = FastVMTFF.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Log.error("\(message) (see --help)")
            exit(code == .validationFailure || code == .failure ? 1 : 2)
        }
    }

    /// `info FILE` is a form of its own; everything else is the one-file or batch command. A subcommand would not
    /// do: ArgumentParser reads "info" as the root command's IN.
    private static func parse(_ arguments: [String]) throws -> any ParsableCommand {
        if InfoCommand.isChosen(by: arguments) { return try InfoCommand.parseAsRoot(Array(arguments.dropFirst())) }
        return try FastVMTFF.parseAsRoot(arguments)
    }
}
