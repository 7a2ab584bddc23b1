import Foundation
import Testing
import Tensor

/// TensorAVX512 is compiled for AVX-512, and Tensor calls it only where the processor has AVX-512. That is safe
/// only while no AVX-512 instruction lands outside its own functions: a generic specialisation or helper emitted
/// in both targets is one symbol to the linker, which may keep TensorAVX512's copy for every caller.
@Suite struct TensorAVX512Tests {
    #if arch(x86_64)
    /// Disassembles this test executable, which links every target, and names the functions holding an EVEX-encoded
    /// instruction (AVX-512's encoding; 0x62 opens no other instruction in 64-bit mode) or a mask-register one.
    @Test func avx512InstructionsStayInTheirTarget() throws {
        let script = #"""
            /^[0-9a-f]+ <.*>:$/ { fn = $2; next }
            {
                if (split($0, field, "\t") < 3) next
                count = split(field[2], byte, " ")
                i = 1
                while (i < count && byte[i] ~ /^(26|2e|36|3e|64|65|67)$/) i++
                if (byte[i] == "62" || field[3] ~ /^k(mov|and|or|xor|xnor|not|shift|ortest|test|add|unpck)/) found[fn] = 1
            }
            END { for (name in found) print name }
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "objdump -d --insn-width=15 /proc/\(getpid())/exe | awk \"$0\"", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "objdump (binutils) is needed for this test")
        let functions = text.split(separator: "\n")
        // The check finds the target's own kernels, so it would see others.
        #expect(functions.contains { $0.contains("12TensorAVX5127KeyDots") })
        let strays = functions.filter { !$0.contains("12TensorAVX512") }
        #expect(strays.isEmpty, "AVX-512 code outside TensorAVX512: \(strays.prefix(10))")
    }
    #endif
}
