// swift-tools-version:6.0
import PackageDescription

// Swift's default x86-64 target is SSE2-only; the kernels' SIMD types need AVX2 + FMA to be fast. Every x86-64
// server sold since 2015 has both. Other architectures keep their defaults (NEON is baseline on arm64).
// The kernels are optimised in debug builds too: unoptimised, a short motion transfer takes about 20× longer, and the test
// suite runs many through the debug binary.
#if arch(x86_64)
let avx2Flags = ["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c"]
let kernelSettings: [SwiftSetting] = [.unsafeFlags(avx2Flags), .unsafeFlags(["-O"], .when(configuration: .debug))]
// TensorAVX512 only: Tensor calls into it after asking the processor (CPUFeatures).
let avx512Settings: [SwiftSetting] = [
    .unsafeFlags(avx2Flags + ["-Xcc", "-mavx512f", "-Xcc", "-mavx512vl", "-Xcc", "-mavx512bw", "-Xcc", "-mavx512dq"]),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]
#else
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let avx512Settings = kernelSettings
#endif

let package = Package(
    name: "fastvmt-ff",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fastvmt-ff", targets: ["fastvmt-ff"]),
        .executable(name: "fastvmt-bench", targets: ["fastvmt-bench"]),
        .executable(name: "fastvmt-fuzz", targets: ["fastvmt-fuzz"]),
        .library(name: "VideoIO", targets: ["VideoIO"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "DiT", targets: ["DiT"]),
        .library(name: "Motion", targets: ["Motion"]),
        .library(name: "Transfer", targets: ["Transfer"]),
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
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CPUFeatures"),
        // Kernels of Tensor (linked files: windowed attention, the packed SGEMM) compiled again, 16 lanes wide, for AVX-512.
        .target(name: "TensorAVX512", dependencies: ["CPUFeatures"], swiftSettings: avx512Settings),
        .target(name: "Tensor", dependencies: ["CBLAS", "CPUFeatures", "TensorAVX512"], swiftSettings: kernelSettings),
        .target(name: "DiT", dependencies: ["Tensor"], swiftSettings: kernelSettings),
        .target(name: "Motion", dependencies: ["Tensor"], swiftSettings: kernelSettings),
        .target(name: "Transfer", dependencies: ["DiT", "Motion", "Tensor"], swiftSettings: kernelSettings),
        // The procedural video world the built-in model is trained on and evaluated in.
        .target(name: "World"),
        // Judges generated clips from their pixels alone (segmentation, colour and shape), independent of the model.
        .target(name: "Evaluation", dependencies: ["World"]),
        // The small model the package ships (trained by scripts/train_model.py) and the loader for its layout.
        .target(name: "BuiltInModel", dependencies: ["DiT", "Transfer"], resources: [.copy("Resources")]),
        .executableTarget(
            name: "fastvmt-ff",
            dependencies: ["VideoIO", "Transfer", "BuiltInModel", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "fastvmt-bench",
            dependencies: ["VideoIO", "Tensor", "DiT", "Motion", "World", "BuiltInModel", "Transfer", "Evaluation", "CBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: kernelSettings
        ),
        // The world's clips as a byte stream for the training script; World alone, so that it links statically.
        .executableTarget(
            name: "fastvmt-world",
            dependencies: ["World", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // A libFuzzer target over demux + decode + convert when built by scripts/fuzz.sh; a replay tool otherwise.
        .executableTarget(name: "fastvmt-fuzz", dependencies: ["VideoIO"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // VideoIOTests runs fastvmt-bench's memory check in a process of its own and replays the fuzz corpus with fastvmt-fuzz.
        .testTarget(name: "VideoIOTests", dependencies: ["VideoIO", "TestSupport", "fastvmt-bench", "fastvmt-fuzz"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TensorAVX512"]),
        .testTarget(name: "DiTTests", dependencies: ["DiT"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MotionTests", dependencies: ["Motion"]),
        .testTarget(name: "TransferTests", dependencies: ["Transfer"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "World"]),
        .testTarget(name: "fastvmt-ffTests", dependencies: ["fastvmt-ff", "TestSupport"]),
    ]
)
