package dev.backflow.backend;

/**
 * The kernels every op is built from, grouped by family as {@code dev.backflow.ops} is (Burn's backend
 * traits in Java): a backend is a name and one implementation of each family. A backend knows nothing of
 * gradients: autograd calls it for forward values and for the numbers its backward rules need. Inputs may be
 * any strided view; outputs are fresh contiguous arrays unless a method says otherwise. Ops check their
 * arguments in the user's terms before calling a kernel; kernels assume valid shapes and validate only what
 * they alone can see (index values) before writing anything, so a failed call leaves no partial result.
 *
 * <p>Adding a fused op means: its op in {@code ops/}, its method in one family interface here, and its
 * kernel in that family's file of each backend. Recording for captured steps needs nothing: the recorder
 * wraps any family generically.
 */
public interface Backend {

  String name();

  StorageKernels storage();

  ElementwiseKernels elementwise();

  ReductionKernels reductions();

  LossKernels losses();

  LinalgKernels linalg();

  ConvolutionKernels convolution();

  PoolingKernels pooling();

  NormalizationKernels normalization();

  AttentionKernels attention();

  IndexingKernels indexing();

  OptimizerKernels optimizer();
}
