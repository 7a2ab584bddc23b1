import Testing
import Tensor

@Suite struct TensorViewTests {
    let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))

    @Test func permuteIsAViewAndContiguousCopies() {
        let p = x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3] && !p.isContiguous)
        #expect(p[3, 1, 2] == x[1, 2, 3])
        let c = p.contiguous()
        #expect(c.isContiguous && c.scalars == referencePermute(x.scalars.map(Double.init), [2, 3, 4], [2, 0, 1]).map(Float.init))
    }

    @Test func slicesAndReshapes() {
        let s = x.sliced(axis: 1, 1..<3)
        #expect(s.shape == [2, 2, 4] && s[1, 0, 2] == x[1, 1, 2])
        #expect(s.reshaped([4, 4])[3, 3] == x[1, 2, 3])
        #expect(x.reshaped([6, -1]).shape == [6, 4])
        #expect(x.unsqueezed(1).shape == [2, 1, 3, 4])
        #expect(x.sliced(axis: 2, 1..<2).broadcast(to: [2, 3, 5])[1, 2, 4] == x[1, 2, 1])
    }

    /// Writing to a copy never changes the original (copy on write), including through a view.
    @Test func valueSemantics() {
        var copy = x
        copy.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(x[0, 0, 0] == 0 && copy[0, 0, 0] == 100)
        var view = x.sliced(axis: 0, 1..<2)
        view.withUnsafeMutableBufferPointer { $0[0] = -1 }
        #expect(x[1, 0, 0] == 12 && view[0, 0, 0] == -1)
    }
}
