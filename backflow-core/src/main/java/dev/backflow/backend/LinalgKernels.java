package dev.backflow.backend;

/** Matrix products: batched GEMM on strided views and the fused Linear layer. Part of {@link Backend}; knows nothing of gradients. */
public interface LinalgKernels {

  /**
   * Batched product [batch..., M, K] x [batch..., K, N] -&gt; [batch..., M, N] (equal batch dims, rank &gt;= 3), like
   * {@code torch.bmm}. Operands may be transposed, permuted or otherwise strided views (including stride-0 broadcast
   * batches); the kernel reads them in place.
   *
   * @param a the left operands, [batch..., M, K]
   * @param b the right operands, [batch..., K, N]
   * @return a new contiguous array [batch..., M, N]
   */
  NdArray bmm(NdArray a, NdArray b);

  /**
   * A Linear layer's forward pass, x [..., in] times w [out, in] transposed, plus bias [out] (or null), as one product
   * (like {@code torch.nn.functional.linear}): w is read through its strides (no transposed copy) and the bias is added
   * to each output tile while it is in cache.
   *
   * @param x the input, [..., in]
   * @param w the weight, [out, in]
   * @param bias the bias, [out], or null
   * @return a new contiguous array [..., out]
   */
  NdArray linear(NdArray x, NdArray w, NdArray bias);
}
