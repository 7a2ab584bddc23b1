import Testing
import Tensor

@Suite struct VectorISATests {
    /// The widest set unless the variable names another one this processor runs.
    @Test func choice() {
        #expect(VectorISA.choose(requested: nil, available: [.avx2, .avx512]) == .avx512)
        #expect(VectorISA.choose(requested: "avx2", available: [.avx2, .avx512]) == .avx2)
        #expect(VectorISA.choose(requested: "avx512", available: [.avx2]) == .avx2)
        #expect(VectorISA.choose(requested: "sse", available: [.avx2, .avx512]) == .avx512)
        #expect(VectorISA.available.first == .avx2)
    }
}
