import Foundation
import Tensor

/// AdamW on one tensor, as torch.optim.AdamW computes it (decoupled weight decay, bias-corrected moments);
/// `weightDecay` 0 is plain Adam. A new optimiser per denoising step, as both reference codes do.
public struct AdamW {
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private var m: Tensor, v: Tensor
    public private(set) var stepCount = 0

    public init(shape: [Int], weightDecay: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        m = Tensor(zeros: shape)
        v = Tensor(zeros: shape)
    }

    /// parameter ← parameter − lr·(wd·parameter + m̂ / (√v̂ + ε)), with the moments updated by `gradient`.
    public mutating func step(_ parameter: inout Tensor, gradient: Tensor, learningRate lr: Float) {
        precondition(parameter.shape == gradient.shape && parameter.shape == m.shape, "AdamW shapes")
        stepCount += 1
        let c1 = 1 - Foundation.pow(beta1, Float(stepCount)), c2 = 1 - Foundation.pow(beta2, Float(stepCount))
        let (b1, b2, eps, decay) = (beta1, beta2, epsilon, 1 - lr * weightDecay)
        gradient.withUnsafeBufferPointer { g in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    parameter.withUnsafeMutableBufferPointer { p in
                        for i in p.indices {
                            m[i] = b1 * m[i] + (1 - b1) * g[i]
                            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                            p[i] = p[i] * decay - lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}
