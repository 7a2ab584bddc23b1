import ArgumentParser
import Foundation
import VideoIO

/// Exit status: 0 done, 1 bad input or usage (one line says why), 2 internal error.
@main
enum Entry {
    static func main() {
        do {
            var command = try FastVMTFF.parseAsRoot()
            try command.run()
        } catch let error as VideoIOError {
            Log.error(error.description)
            exit(error.isUserError ? 1 : 2)
        } catch {
            let code = FastVMTFF.exitCode(for: error)
            if code == .success {
                print(FastVMTFF.fullMessage(for: error))
                exit(0)
            }
            let message = FastVMTFF.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Log.error("\(message) (see --help)")
            exit(code == .validationFailure || code == .failure ? 1 : 2)
        }
    }
}
