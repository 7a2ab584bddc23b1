// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fastvmt-ff",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fastvmt-ff", targets: ["fastvmt-ff"]),
        .executable(name: "fastvmt-bench", targets: ["fastvmt-bench"]),
        .library(name: "VideoIO", targets: ["VideoIO"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Link and header flags for FFmpeg come from pkg-config; the shim (below) is the only code that includes it.
        .systemLibrary(
            name: "CFFmpegLibs",
            pkgConfig: "libavformat libavcodec libswscale libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        // Every FFmpeg macro Swift cannot import, and every call whose signature changes between FFmpeg versions.
        .target(name: "CFFmpeg", dependencies: ["CFFmpegLibs"]),
        .target(name: "VideoIO", dependencies: ["CFFmpeg"]),
        .executableTarget(
            name: "fastvmt-ff",
            dependencies: ["VideoIO", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "fastvmt-bench",
            dependencies: ["VideoIO", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // VideoIOTests runs fastvmt-bench's memory check in a process of its own.
        .testTarget(name: "VideoIOTests", dependencies: ["VideoIO", "TestSupport", "fastvmt-bench"]),
        .testTarget(name: "fastvmt-ffTests", dependencies: ["fastvmt-ff", "TestSupport"]),
    ]
)
