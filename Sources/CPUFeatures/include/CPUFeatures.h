#ifndef FASTVMT_CPU_FEATURES_H
#define FASTVMT_CPU_FEATURES_H

/// 1 when the processor and the operating system run AVX-512 F, VL, BW and DQ (the set TensorAVX512 is compiled
/// for), else 0. Swift has no way to ask.
int fastvmt_has_avx512(void);

#endif
