// OpenBLAS's cblas.h also declares openblas_set_num_threads, which Tensor uses to keep BLAS single-threaded
// (Tensor does its own threading; two pools on two cores would oversubscribe them).
#include <cblas.h>
