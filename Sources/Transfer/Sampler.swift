import DiT
import Tensor

/// The preset's sampler behind one interface: Euler is stateless, UniPC keeps its history.
enum Sampler {
    case euler(FlowMatchEulerScheduler)
    case unipc(UniPCScheduler)

    init(_ preset: Preset, shift: Double, startIndex: Int) {
        switch preset.sampler {
        case .euler: self = .euler(FlowMatchEulerScheduler(steps: preset.steps, shift: shift))
        case .unipc: self = .unipc(UniPCScheduler(steps: preset.steps, flowShift: shift, startIndex: startIndex))
        }
    }

    var sigmas: [Double] {
        switch self {
        case .euler(let s): s.sigmas
        case .unipc(let s): s.sigmas
        }
    }

    var timesteps: [Double] {
        switch self {
        case .euler(let s): s.timesteps
        case .unipc(let s): s.timesteps
        }
    }

    mutating func step(velocity: Tensor, sample: Tensor, index: Int) -> Tensor {
        switch self {
        case .euler(let s):
            return s.step(velocity: velocity, sample: sample, index: index)
        case .unipc(var s):
            let next = s.step(velocity: velocity, sample: sample)
            self = .unipc(s)
            return next
        }
    }
}
