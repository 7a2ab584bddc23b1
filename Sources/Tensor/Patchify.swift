/// Conv3d with stride equal to its kernel (Wan's patch embedding) as a reshape into patches plus one GEMM, and the
/// inverse layout change for the output head.
extension Variable {
    /// x [C, F, H, W] → tokens [F'·H'·W', C·pt·ph·pw], tokens in (frame, row, column) order, each patch flattened
    /// as (channel, t, y, x): the order of a Conv3d weight's trailing axes.
    public func patchified(_ patch: (t: Int, h: Int, w: Int)) -> Variable {
        precondition(value.rank == 4, "patchify takes [C, F, H, W], got \(shape)")
        let c = shape[0], f = shape[1], h = shape[2], w = shape[3]
        precondition(f % patch.t == 0 && h % patch.h == 0 && w % patch.w == 0,
                     "input \(shape) is not a whole number of \(patch) patches")
        let (gf, gh, gw) = (f / patch.t, h / patch.h, w / patch.w)
        return reshaped([c, gf, patch.t, gh, patch.h, gw, patch.w])
            .permuted([1, 3, 5, 0, 2, 4, 6])
            .contiguous()
            .reshaped([gf * gh * gw, c * patch.t * patch.h * patch.w])
    }

    /// Conv3d(kernel = stride = patch): x [C, F, H, W], weight [out, C, pt, ph, pw], bias [out] → [N, out].
    public func patchEmbedded(weight: Variable, bias: Variable?) -> Variable {
        precondition(weight.value.rank == 5 && weight.shape[1] == shape[0], "patch weight \(weight.shape) for input \(shape)")
        let patch = (t: weight.shape[2], h: weight.shape[3], w: weight.shape[4])
        return Variable.linear(patchified(patch), weight: weight.reshaped([weight.shape[0], -1]), bias: bias)
    }

    /// tokens [F'·H'·W', pt·ph·pw·C] → [C, F, H, W], the patch flattened as (t, y, x, channel) (Wan's output head).
    public func unpatchified(grid: (f: Int, h: Int, w: Int), patch: (t: Int, h: Int, w: Int), channels: Int) -> Variable {
        precondition(shape == [grid.f * grid.h * grid.w, patch.t * patch.h * patch.w * channels],
                     "unpatchify: tokens \(shape) for grid \(grid), patch \(patch), \(channels) channels")
        return reshaped([grid.f, grid.h, grid.w, patch.t, patch.h, patch.w, channels])
            .permuted([6, 0, 3, 1, 4, 2, 5])
            .contiguous()
            .reshaped([channels, grid.f * patch.t, grid.h * patch.h, grid.w * patch.w])
    }
}
