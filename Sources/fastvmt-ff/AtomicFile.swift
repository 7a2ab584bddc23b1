import Foundation
import VideoIO

/// Small files the run writes besides the video (the report, the batch summary): written as NAME.part and renamed,
/// like the video, so a reader never sees half of one.
enum AtomicFile {
    static func write(_ data: Data, to path: String, what: String) throws {
        let partial = path + ".part"
        guard FileManager.default.createFile(atPath: partial, contents: data), rename(partial, path) == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw VideoIOError.output(path: path, reason: "cannot write \(what)")
        }
    }
}
