import ArgumentParser

/// `--shard I/N`: this run's part of a batch split over N runs (machines, or `xargs -P`). File k of the sorted list
/// (0-based) belongs to shard k mod N + 1, so the shards are disjoint, together cover the list, and need no
/// coordination beyond the same input folder.
struct Shard: ExpressibleByArgument, Sendable, CustomStringConvertible {
    /// 1-based.
    let index: Int
    let count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            return nil
        }
        index = i
        count = n
    }

    func select<T>(_ sorted: [T]) -> [T] {
        sorted.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    var description: String { "\(index)/\(count)" }
}
