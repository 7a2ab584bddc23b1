import Foundation
import VideoIO

/// What one fuzz input goes through: the demuxer probes the bytes, the best video stream is decoded, and every frame
/// is converted (scaled, rotated) to float RGB, as `fastvmt-ff` reads its input. Errors are expected answers;
/// crashes, leaks, hangs and sanitizer reports are the findings.
enum FuzzTarget {
    /// Enough frames and audio packets to reach the decoder's and converter's steady state, few enough to stay fast.
    static let eventLimit = 64

    static func decode(_ bytes: [UInt8]) {
        var options = ReaderOptions()
        options.size = PixelSize(width: 32, height: 24)
        options.threads = 1
        guard let reader = try? VideoReader(bytes: bytes, name: "fuzz input", options: options) else { return }
        var events = 0
        while events < eventLimit, let event = try? reader.next() {
            if case .video(let frame) = event { precondition(frame.pixels.count == 3 * 32 * 24) }
            events += 1
        }
    }
}

#if FUZZING
/// The entry point libFuzzer (linked by `-sanitize=fuzzer`) calls for every input it makes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.decode(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver: parses its options from the command line, then mutates inputs and runs them.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif

/// Built by scripts/fuzz.sh (`-sanitize=fuzzer -DFUZZING`) this is the fuzzer; built normally it replays inputs (the
/// kept corpus and crash files) without libFuzzer.
@main
enum FuzzMain {
    static func main() throws {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        #else
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            let url = URL(fileURLWithPath: argument)
            let isDirectory = (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true
            let files = isDirectory ? try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .sorted { $0.path < $1.path } : [url]
            for file in files where !file.lastPathComponent.hasPrefix(".") {
                FuzzTarget.decode([UInt8](try Data(contentsOf: file)))
                count += 1
            }
        }
        print("replayed \(count) inputs")
        #endif
    }
}
