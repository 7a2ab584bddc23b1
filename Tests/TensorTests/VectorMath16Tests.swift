import Foundation
import Testing
import Tensor
import TensorAVX512

/// The 16-lane exp (scaled by `vscalefps`, not by exponent bits) and log that TensorAVX512's kernels inline, to the
/// same bounds as the 8-lane ones (`ActivationTests.vectorMathAccuracy`).
@Suite struct VectorMath16Tests {
    @Test(.enabled(if: VectorISA.available.contains(.avx512)))
    func accuracy() {
        let worst = ActivationTests.worstExpError(VectorMath16.exp)
        #expect(worst <= 3e-7, "exp relative error \(worst)")
        #expect(VectorMath16.exp(-200) < 1e-37 && VectorMath16.exp(-Float.infinity) < 1e-37)
        #expect(ActivationTests.worstLogError(VectorMath16.log) <= 3e-7)
    }
}
