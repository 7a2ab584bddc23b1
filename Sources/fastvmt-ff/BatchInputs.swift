import Foundation

/// The videos of a batch folder: files with a video extension, found recursively, as paths relative to the folder.
enum BatchInputs {
    static let extensions: Set<String> = ["mp4", "mkv", "mov", "webm", "avi", "nut", "m4v"]

    /// Sorted by the bytes of the relative path (as `LC_ALL=C sort`), so every run and every shard sees one order
    /// whatever the locale or the file system's listing order. Nothing under `excluded` is taken: an output folder
    /// inside the input folder must not feed the next run.
    static func find(in directory: URL, excluding excluded: URL?) throws -> [String] {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        let skip = excluded?.standardizedFileURL.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw InputError("cannot list \(directory.path)")
        }
        var found: [String] = []
        for case let url as URL in walker {
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            if let skip, path == skip || path.hasPrefix(skip + "/") {
                walker.skipDescendants()
                continue
            }
            guard extensions.contains(url.pathExtension.lowercased()),
                  (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            found.append(String(path.dropFirst(root.path.count + 1)))
        }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
