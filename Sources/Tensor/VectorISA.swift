import CPUFeatures
import Foundation

/// The instruction set the engine's own kernels run in: `avx512` runs the kernels that `TensorAVX512` compiles
/// a second time, 16 lanes wide (windowed attention and `PackedGEMM`), on processors that have
/// AVX-512; everything else is 8 lanes wide (AVX2) on every processor.
public enum VectorISA: String, Sendable {
    case avx2, avx512

    /// The sets this processor runs.
    public static let available: [VectorISA] = fastvmt_has_avx512() != 0 ? [.avx2, .avx512] : [.avx2]

    /// The widest available, or `FASTVMT_SIMD=avx2|avx512` where that one is available (benchmarks compare the
    /// two on one machine).
    public static let chosen = choose(requested: ProcessInfo.processInfo.environment["FASTVMT_SIMD"], available: available)

    /// `chosen`'s rule, given the variable's value and the sets the processor runs.
    public static func choose(requested: String?, available: [VectorISA]) -> VectorISA {
        if let requested, let isa = VectorISA(rawValue: requested), available.contains(isa) { return isa }
        return available.contains(.avx512) ? .avx512 : .avx2
    }

    /// Stops with a message where this processor cannot run the set: the kernels' entry points check it.
    func requireAvailable() {
        precondition(Self.available.contains(self), "this processor cannot run \(self) kernels")
    }
}
