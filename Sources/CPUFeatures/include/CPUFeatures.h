#ifndef FASTVMT_CPU_FEATURES_H
#define FASTVMT_CPU_FEATURES_H

/// 1 when the processor and the operating system run AVX-512 F, VL, BW and DQ (the set TensorAVX512 is compiled
/// for), else 0. Swift has no way to ask.
int fastvmt_has_avx512(void);

/// Asks for the cache line at p to be brought into the caches ahead of its use: with low temporal locality
/// (`prefetcht2`), which ran the windowed forward 2–4 % faster than into L1 (`prefetcht0`) or non-temporally.
static inline void fastvmt_prefetch(const void *p) { __builtin_prefetch(p, 0, 1); }

#endif
