import Foundation
import Testing
import TestSupport

/// A full disk and a file-size limit: a clear message, no half-written output, and a batch that completes when re-run.
/// Single-file runs pass `--progress none`: under a loaded test run the write can fail after the first progress line.
@Suite struct FaultTests {
    let binary = builtProduct("fastvmt-ff")

    /// A private mount namespace with a 64 KiB tmpfs needs root or unprivileged user namespaces; CI runs as root.
    static let canMountTmpfs: Bool = {
        (try? run("/usr/bin/unshare", ["-rm", "/bin/sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"]))?.status == 0
    }()

    /// Runs `script` in its own mount namespace with a tmpfs of `size` mounted at $FULL.
    func inSmallDisk(_ size: String, _ script: String) throws -> CommandResult {
        let mountPoint = try TemporaryDirectory()
        return try run("/usr/bin/unshare", ["-rm", "/bin/bash", "-o", "pipefail", "-c",
                                            "mount -t tmpfs -o size=\(size) tmpfs '\(mountPoint.url.path)' && "
                                            + "FULL='\(mountPoint.url.path)' && \(script)"])
    }

    @Test(.enabled(if: canMountTmpfs, "needs a tmpfs in a private mount namespace"))
    func fullDiskEndsCleanly() throws {
        let result = try inSmallDisk("64k", """
            '\(binary)' --progress none '\(corpusFile("long-40s.mp4"))' "$FULL/out.mp4"; status=$?; ls -A "$FULL"; exit $status
            """)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty, "no out.mp4 and no out.mp4.part left: \(String(decoding: result.stdout, as: UTF8.self))")
        #expect(result.stderrLines.count == 1 && result.stderr.contains("out.mp4: write failed: No space left on device"),
                "\(result.stderr)")
    }

    @Test func fullPipeEndsCleanly() throws {
        let result = try shell("'\(binary)' --progress none '\(corpusFile("long-40s.mp4"))' -f nut - > /dev/full")
        #expect(result.status == 1)
        #expect(result.stderrLines == ["fastvmt-ff: pipe: write failed: No space left on device"], "\(result.stderr)")
    }

    /// ThreadSanitizer's runtime itself dies of SIGBUS under a file-size limit, before main (even for --help).
    @Test(.disabled(if: activeSanitizer == "thread",
                    "ThreadSanitizer's shadow memory faults under ulimit -f"))
    func fileSizeLimitEndsCleanly() throws {
        let dir = try TemporaryDirectory()
        let result = try shell("ulimit -f 64; '\(binary)' --progress none '\(corpusFile("long-40s.mp4"))' '\(dir.path("out.mp4"))'")
        #expect(result.status == 1, "SIGXFSZ is ignored, so the write fails instead of killing the run")
        #expect(result.stderrLines.count == 1 && result.stderr.contains("out.mp4: write failed: File too large"),
                "\(result.stderr)")
        #expect(try dir.contents().isEmpty)
    }

    @Test(.enabled(if: canMountTmpfs, "needs a tmpfs in a private mount namespace"))
    func batchOnAFullDiskCompletesWhenRerun() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("in"), withIntermediateDirectories: true)
        for (name, seconds) in [("a.mp4", "1"), ("b.mp4", "1"), ("c.mp4", "30")] {
            try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=12", "-t", seconds, dir.path("in/" + name)])
        }
        // The two short clips fit in 256 KiB, the long one does not; after the disk grows, the re-run does only it.
        let batch = "'\(binary)' --batch '\(dir.path("in"))' --out \"$FULL/out\""
        let result = try inSmallDisk("256k", """
            \(batch); first=$?; ls -A "$FULL/out"; mount -o remount,size=8m "$FULL"; \(batch) || exit 10; ls -A "$FULL/out"; exit $first
            """)
        #expect(result.status == 1, "the first run fails: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("fastvmt-ff: 3 files: 2 SUCCESS, 0 SKIPPED, 1 FAILED"), "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("fastvmt-ff: FAILED c.mp4") && $0.contains("No space left on device") },
                "\(result.stderr)")
        #expect(lines.contains("fastvmt-ff: 3 files: 1 SUCCESS, 2 SKIPPED, 0 FAILED"), "\(result.stderr)")
        let listings = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(listings == ["a.mp4", "b.mp4", "a.mp4", "b.mp4", "c.mp4"], "no .part after the failed run")
    }
}
