#include "CPUFeatures.h"

int fastvmt_has_avx512(void) {
#if defined(__x86_64__)
    // The compiler's runtime also checks, through XGETBV, that the system saves the AVX-512 registers.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
#else
    return 0;
#endif
}
