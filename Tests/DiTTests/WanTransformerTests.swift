import DiT
import Tensor
import XCTest

/// The Swift transformer against diffusers' WanTransformer3DModel on the same random weights (fp32 throughout;
/// tolerance 1e-4 of the largest reference value, as the issue asks).
final class WanTransformerTests: XCTestCase {
    let tolerance: Float = 1e-4

    private func run(_ model: WanTransformer, io: SafeTensorsFile, tape: Tape? = nil, lastBlock: Int? = nil)
        throws -> (latents: Variable, result: WanForwardResult)
    {
        let latentsValue = try io.tensor("latents")
        let latents = tape?.variable(latentsValue) ?? Variable(latentsValue)
        let timestep = try io.tensor("timestep").item
        let context = model.textContext(try io.tensor("text"))
        let result = model.forward(latents: latents, time: model.timeConditioning(timestep: timestep), context: context,
                                   lastBlock: lastBlock, capture: [0])
        return (latents, result)
    }

    func testOutputMatchesDiffusers() throws {
        let io = try Fixtures.file("wan_tiny_io.safetensors")
        let (_, result) = try run(try Fixtures.tinyModel(), io: io)
        assertClose(try XCTUnwrap(result.output).value, try io.tensor("output"), maxRelativeError: tolerance, "output")
    }

    func testBlockZeroQueriesAndKeysMatchDiffusers() throws {
        let io = try Fixtures.file("wan_tiny_io.safetensors")
        let (_, result) = try run(try Fixtures.tinyModel(), io: io, lastBlock: 0)
        XCTAssertNil(result.output, "a forward stopped after block 0 has no output head")
        let capture = try XCTUnwrap(result.captures[0])
        assertClose(capture.queries.value, try io.tensor("block0_q"), maxRelativeError: tolerance, "Q")
        assertClose(capture.keys.value, try io.tensor("block0_k"), maxRelativeError: tolerance, "K")
        assertClose(capture.rotatedQueries.value, try io.tensor("block0_q_rope"), maxRelativeError: tolerance, "Q after RoPE")
        assertClose(capture.rotatedKeys.value, try io.tensor("block0_k_rope"), maxRelativeError: tolerance, "K after RoPE")
    }

    /// sum(softmax(Q Kᵀ/√d) ⊙ W) over block 0's self-attention, differentiated to the latents through a forward that
    /// stops after block 0 (the guidance forward's shape).
    func testAttentionProbeGradientMatchesDiffusers() throws {
        let io = try Fixtures.file("wan_tiny_io.safetensors")
        let model = try Fixtures.tinyModel()
        let tape = Tape()
        let (latents, result) = try run(model, io: io, tape: tape, lastBlock: 0)
        let capture = try XCTUnwrap(result.captures[0])
        let scores = Variable.matmul(capture.rotatedQueries, capture.rotatedKeys, transposeB: true)
            * (1 / Float(model.config.attentionHeadDim).squareRoot())
        let probe = (scores.softmax() * Variable(try io.tensor("probe_weights"))).sum()
        assertClose(probe.value.reshaped([1]), try io.tensor("probe_value"), maxRelativeError: tolerance, "probe value")
        let gradient = tape.gradient(of: probe, wrt: [latents])[0]
        assertClose(gradient, try io.tensor("probe_grad"), maxRelativeError: tolerance, "probe gradient")
    }

    func testFullModelGradientMatchesDiffusers() throws {
        let io = try Fixtures.file("wan_tiny_io.safetensors")
        let tape = Tape()
        let (latents, result) = try run(try Fixtures.tinyModel(), io: io, tape: tape)
        let loss = (try XCTUnwrap(result.output) * Variable(try io.tensor("output_weights"))).sum()
        let gradient = tape.gradient(of: loss, wrt: [latents])[0]
        assertClose(gradient, try io.tensor("output_grad"), maxRelativeError: tolerance, "output gradient")
    }

    func testOriginalWanNamesLoadToTheSameModel() throws {
        let io = try Fixtures.file("wan_tiny_io.safetensors")
        let original = try Fixtures.file("wan_tiny_original_names.safetensors")
        XCTAssertTrue(original.names.contains("blocks.0.self_attn.q.weight"), "fixture uses the original names")
        XCTAssertFalse(original.names.contains { $0.contains("attn1") })
        let (_, result) = try run(try Fixtures.tinyModel(weights: "wan_tiny_original_names.safetensors"), io: io)
        assertClose(try XCTUnwrap(result.output).value, try io.tensor("output"), maxRelativeError: tolerance, "output")
    }

    func testParameterCountIsTheNumberOfWeightsInTheFile() throws {
        let file = try Fixtures.file("wan_tiny.safetensors")
        let stored = file.entries.values.map { $0.shape.reduce(1, *) }.reduce(0, +)
        XCTAssertEqual(try Fixtures.tinyConfig().parameterCount, stored)
        // diffusers' WanTransformer3DModel with the 1.3B config counts 1 418 996 800 parameters.
        XCTAssertEqual(WanConfig.wan13B.parameterCount, 1_418_996_800)
    }
}
