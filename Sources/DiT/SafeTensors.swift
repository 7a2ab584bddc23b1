import Foundation
import Tensor

public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case unsupportedType(name: String, dtype: String)
    case missing(name: String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .malformed(path, reason): "\(path) is not a safetensors file: \(reason)"
        case let .unsupportedType(name, dtype): "tensor \(name) has type \(dtype); only F32, F16 and BF16 are supported"
        case let .missing(name): "weights have no tensor named \(name)"
        case let .shapeMismatch(name, expected, found): "tensor \(name) has shape \(found), expected \(expected)"
        }
    }
}

/// A safetensors file, memory-mapped: tensors are converted to Float32 only when asked for, so a caller that takes
/// one block at a time never holds the whole file in converted form.
public final class SafeTensorsFile: @unchecked Sendable {
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        let range: Range<Int>
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    private let mapping: UnsafeRawPointer
    private let mappedLength: Int
    private let dataStart: Int

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SafeTensorsError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SafeTensorsError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        let length = Int(info.st_size)
        guard length >= 8 else { throw SafeTensorsError.malformed(path: path, reason: "\(length) bytes") }
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw SafeTensorsError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        mapping = UnsafeRawPointer(base)
        mappedLength = length
        do {
            let headerLength = Int(UInt64(littleEndian: mapping.loadUnaligned(as: UInt64.self)))
            guard headerLength > 0, headerLength <= length - 8 else {
                throw SafeTensorsError.malformed(path: path, reason: "header length \(headerLength) in a file of \(length) bytes")
            }
            dataStart = 8 + headerLength
            let header = Data(bytes: mapping + 8, count: headerLength)
            guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
                throw SafeTensorsError.malformed(path: path, reason: "header is not a JSON object")
            }
            var entries: [String: Entry] = [:]
            var metadata: [String: String] = [:]
            for (name, value) in json {
                if name == "__metadata__" {
                    metadata = value as? [String: String] ?? [:]
                    continue
                }
                guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                      let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int], offsets.count == 2,
                      offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= length - dataStart
                else { throw SafeTensorsError.malformed(path: path, reason: "bad entry for \(name)") }
                if let width = SafeTensorsFile.byteWidth(dtype), offsets[1] - offsets[0] != shape.reduce(1, *) * width {
                    throw SafeTensorsError.malformed(path: path, reason: "\(name): \(offsets[1] - offsets[0]) bytes for shape \(shape) of \(dtype)")
                }
                entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
            }
            self.entries = entries
            self.metadata = metadata
        } catch {
            munmap(UnsafeMutableRawPointer(mutating: mapping), length)
            throw error
        }
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: mapping), mappedLength)
    }

    public var names: [String] { entries.keys.sorted() }

    static func byteWidth(_ dtype: String) -> Int? {
        switch dtype {
        case "F32": 4
        case "F16", "BF16": 2
        default: nil
        }
    }

    /// The tensor `name` as Float32, checked against `shape` when one is given.
    public func tensor(_ name: String, shape expected: [Int]? = nil) throws -> Tensor {
        guard let entry = entries[name] else { throw SafeTensorsError.missing(name: name) }
        if let expected, expected != entry.shape {
            throw SafeTensorsError.shapeMismatch(name: name, expected: expected, found: entry.shape)
        }
        let count = entry.shape.reduce(1, *)
        let source = mapping + dataStart + entry.range.lowerBound
        var out = Tensor(uninitializedShape: entry.shape)
        switch entry.dtype {
        case "F32":
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            }
        case "F16":
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    dst[i] = Float(Float16(bitPattern: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                }
            }
        case "BF16":
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    dst[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            }
        default:
            throw SafeTensorsError.unsupportedType(name: name, dtype: entry.dtype)
        }
        return out
    }
}

/// Writes Float32 tensors as a safetensors file (names sorted, data 8-byte aligned as the format asks).
public enum SafeTensorsWriter {
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + 4 * tensor.count]]
            offset += 4 * tensor.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for name in names {
            tensors[name]!.withUnsafeBufferPointer { values in
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { file.append(contentsOf: $0) } }
            }
        }
        let url = URL(fileURLWithPath: path)
        let partial = url.appendingPathExtension("part")
        do {
            try file.write(to: partial)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: partial, to: url)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw SafeTensorsError.unreadable(path: path, reason: error.localizedDescription)
        }
    }
}
