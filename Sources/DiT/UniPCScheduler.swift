import Foundation
import Tensor

/// Wan2.1's default sampler: diffusers' UniPCMultistepScheduler as Wan configures it (flow prediction, flow σ with
/// `flowShift`, solver order 2, B(h) = eʰ − 1 ("bh2"), x₀ prediction, lower order on the last step, corrector on every
/// step, final σ 0).
///
/// Each step first corrects the sample the previous step predicted (UniC, using the model output just computed at it),
/// then predicts the next one (UniP) from the last two x₀ estimates, so it keeps those and the uncorrected sample.
public struct UniPCScheduler: Sendable {
    public let flowShift: Double
    /// σ of every step, then a final 0: `steps + 1` values, each a Float32 value as diffusers stores them.
    public let sigmas: [Double]
    /// The timestep the model is conditioned on at every step: whole numbers, as diffusers truncates them to int64.
    public let timesteps: [Double]
    /// The step the next call to `step` takes.
    public private(set) var stepIndex: Int

    private static let solverOrder = 2
    // x₀ estimates of the last steps, oldest first: [any shape] each, at most `solverOrder`.
    private var history: [Tensor] = []
    // The sample the last predictor started from, which the corrector restarts from.
    private var lastSample: Tensor?
    private var lastOrder = 0

    /// `startIndex` > 0 resumes mid-schedule (an SDEdit start, see `FlowMatching.startIndex`); like diffusers, the run
    /// then warms up with a first-order step as it does at index 0.
    public init(steps: Int, flowShift: Double, startIndex: Int = 0) {
        precondition(steps > 0, "a schedule needs at least one step")
        precondition((0...steps).contains(startIndex), "start index \(startIndex) outside 0...\(steps)")
        self.flowShift = flowShift
        let t = Double(FlowMatching.trainTimesteps)
        var stepSigmas = FlowMatching.linspace(from: 1, to: 1 / t, count: steps + 1).dropLast()
            .map { FlowMatching.shifted($0, by: flowShift) }
        // λ = log(α/σ) is infinite at σ = 1 (α = 0); diffusers pulls the first σ just inside.
        if abs(stepSigmas[0] - 1) < 1e-6 { stepSigmas[0] -= 1e-6 }
        sigmas = stepSigmas.map { Double(Float($0)) } + [0]
        timesteps = stepSigmas.map { ($0 * t).rounded(.towardZero) }
        stepIndex = startIndex
    }

    public var steps: Int { timesteps.count }

    /// One step from `stepIndex` to the next, given the model's velocity at `sample`.
    public mutating func step(velocity: Tensor, sample: Tensor) -> Tensor {
        precondition(stepIndex < steps, "the schedule has \(steps) steps")
        let index = stepIndex
        // [any shape]: the flow-prediction x₀ estimate
        let sigma = Float(sigmas[index])
        let x0 = Elementwise.combine(
            sample, velocity, { $0 - Vec(repeating: sigma) * $1 }, scalar: { $0 - sigma * $1 }
        )
        let corrected = lastSample.map { corrector(x0: x0, last: $0) } ?? sample

        history.append(x0)
        if history.count > Self.solverOrder { history.removeFirst() }
        // The last step is first order: it ends at σ = 0, where λ = ∞ and the second-order term has no finite weight.
        // The first steps are limited by how many x₀ estimates exist yet.
        let order = min(Self.solverOrder, steps - index, history.count)
        lastSample = corrected
        lastOrder = order
        stepIndex += 1
        return predictor(sample: corrected, index: index, order: order)
    }

    /// UniP: from step `index` to `index + 1`, with the newest `order` entries of `history`.
    private func predictor(sample: Tensor, index: Int, order: Int) -> Tensor {
        let s = Self.coefficients(to: sigmas[index + 1], from: sigmas[index])
        let m0 = history[history.count - 1]
        var terms = [(s.sampleScale, sample), (-s.alpha * s.hPhi1, m0)]
        if order == 2 {
            // D₁ = (m₁ − m₀)/r with the fixed weight ½ diffusers uses for second order.
            let r = (Self.lambda(sigmas[index - 1]) - s.lambdaFrom) / s.h
            let weight = s.alpha * s.bH * 0.5 / r
            terms += [(weight, m0), (-weight, history[history.count - 2])]
        }
        return Self.weightedSum(terms)
    }

    /// UniC: redoes the previous step (from `stepIndex − 1` to `stepIndex`) from `last`, now also using the x₀
    /// estimate at its end; `history` does not hold `x0` yet.
    private func corrector(x0: Tensor, last: Tensor) -> Tensor {
        let index = stepIndex
        let s = Self.coefficients(to: sigmas[index], from: sigmas[index - 1])
        let m0 = history[history.count - 1]
        // ρ solves the order conditions R ρ = b; for order 1 diffusers fixes ρ = ½ instead.
        let rhoNew: Double
        var terms = [(s.sampleScale, last), (-s.alpha * s.hPhi1, m0)]
        if lastOrder == 2 {
            let r = (Self.lambda(sigmas[index - 2]) - s.lambdaFrom) / s.h
            let hh = -s.h
            let phi2 = s.hPhi1 / hh - 1
            let phi3 = phi2 / hh - 0.5
            let b1 = phi2 / s.bH, b2 = 2 * phi3 / s.bH
            // R = [[1, 1], [r, 1]]
            let rhoOld = (b1 - b2) / (1 - r)
            rhoNew = b1 - rhoOld
            let weight = s.alpha * s.bH * rhoOld / r
            terms += [(weight, m0), (-weight, history[history.count - 2])]
        } else {
            rhoNew = 0.5
        }
        let weight = s.alpha * s.bH * rhoNew
        terms += [(weight, m0), (-weight, x0)]
        return Self.weightedSum(terms)
    }

    private struct Coefficients {
        var sampleScale: Double, alpha: Double, h: Double, hPhi1: Double, bH: Double, lambdaFrom: Double
    }

    /// The exponential-integrator terms of a step from σ_s to σ_t in half-log-SNR λ = log((1 − σ)/σ).
    private static func coefficients(to sigmaT: Double, from sigmaS: Double) -> Coefficients {
        let lambdaFrom = lambda(sigmaS)
        let h = lambda(sigmaT) - lambdaFrom
        // At σ_t = 0, h = +∞ and expm1(−∞) = −1: the step lands on the x₀ estimate, as in diffusers.
        let hPhi1 = expm1(-h)
        return Coefficients(
            sampleScale: sigmaT / sigmaS, alpha: 1 - sigmaT, h: h, hPhi1: hPhi1, bH: hPhi1, lambdaFrom: lambdaFrom
        )
    }

    private static func lambda(_ sigma: Double) -> Double {
        log(1 - sigma) - log(sigma)
    }

    /// Σ cᵢ·tᵢ over tensors of one shape.
    private static func weightedSum(_ terms: [(Double, Tensor)]) -> Tensor {
        // [any shape] × terms.count → same shape
        var sum = Elementwise.affine(terms[0].1, scale: Float(terms[0].0))
        for (coefficient, tensor) in terms.dropFirst() {
            let c = Float(coefficient)
            sum = Elementwise.combine(sum, tensor, { $0 + Vec(repeating: c) * $1 }, scalar: { $0 + c * $1 })
        }
        return sum
    }
}
