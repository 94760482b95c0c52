package dev.backflow.backend;

/** Matrix products: batched GEMM on strided views and the fused Linear layer. Part of {@link Backend}; knows nothing of gradients. */
public interface LinalgKernels {

  /**
   * Batched product [batch..., M, K] x [batch..., K, N] -> [batch..., M, N] (equal batch dims, rank >= 3).
   * Operands may be transposed, permuted or otherwise strided views (including stride-0 broadcast batches);
   * the kernel reads them in place.
   */
  NdArray bmm(NdArray a, NdArray b);

  /**
   * A Linear layer's forward pass, x [..., in] times w [out, in] transposed, plus bias [out] (or null),
   * as one product: w is read through its strides (no transposed copy) and the bias is added to each
   * output tile while it is in cache. Result [..., out].
   */
  NdArray linear(NdArray x, NdArray w, NdArray bias);
}
