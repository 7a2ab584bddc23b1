import Testing
import Tensor

@Suite struct TapeTests {
    /// Ops on constants alone are not recorded: the weights path of a forward keeps nothing on the tape.
    @Test func constantsStayOffTheTape() {
        var random = SeededRandom(seed: 80)
        let tape = Tape()
        let x = tape.variable(random.tensor([4, 8]))
        let w = Variable(random.tensor([8, 8])), b = Variable(random.tensor([8]))
        let scaledWeight = w * 2 + w          // constants only
        let shift = b.gelu()                  // constants only
        #expect(tape.recordCount == 1)
        #expect(!scaledWeight.needsGradient && !shift.needsGradient)
        let y = Variable.linear(x, weight: scaledWeight, bias: shift).silu().sum()
        #expect(tape.recordCount == 4)        // x, linear, silu, sum
        let grad = tape.gradient(of: y, wrt: [x])[0]
        #expect(grad.shape == [4, 8])
    }

    /// A value used twice receives the sum of both paths' gradients.
    @Test func fanOutAccumulates() {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [3], scalars: [1, 2, 3]))
        let y = (x * x + x * 3).sum()         // dy/dx = 2x + 3
        let grad = tape.gradient(of: y, wrt: [x])[0]
        #expect(grad.scalars == [5, 7, 9])
    }

    /// An input the output does not depend on gets a zero gradient, and a forward stopped early records nothing
    /// beyond where it stopped.
    @Test func partialForward() {
        var random = SeededRandom(seed: 81)
        let tape = Tape()
        let x = tape.variable(random.tensor([2, 4])), unused = tape.variable(random.tensor([3]))
        let w = Variable(random.tensor([4, 4]))
        var h = x
        for block in 0..<6 {
            if block == 2 { break }
            h = Variable.linear(h, weight: w, bias: nil).gelu()
        }
        #expect(tape.recordCount == 2 + 2 * 2)
        let grads = tape.gradient(of: h.squared().sum(), wrt: [x, unused])
        #expect(grads[1].scalars == [0, 0, 0])
        #expect(grads[0].scalars.contains { $0 != 0 })
    }

    /// The matmul backward keeps only what the wanted gradients need: with a constant weight, dW is never formed.
    @Test func backwardOnlyComputesWantedGradients() {
        var random = SeededRandom(seed: 82)
        let tape = Tape()
        let x = tape.variable(random.tensor([3, 5]))
        let y = Variable.matmul(x, Variable(random.tensor([5, 2])))
        let grads = tape.gradient(of: y.sum(), wrt: [x])
        #expect(grads[0].shape == [3, 5])
    }
}
