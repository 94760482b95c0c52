package dev.backflow.backend;

/** Fused layer normalization: one kernel forward, one backward. Part of {@link Backend}; knows nothing of gradients. */
public interface NormalizationKernels {

  /**
   * Layer normalization over the last dim, like {@code F.layer_norm(x, [D], gamma, beta, eps)}: y = (x - mean) · rstd
   * · gamma + beta with rstd = 1/√(var + eps) (biased variance).
   *
   * @param x the input, [..., D]
   * @param gamma the scale, [D], or null for 1
   * @param beta the shift, [D], or null for 0
   * @param eps added to the variance for stability
   * @return {y of x's shape, mean [rows], rstd [rows]}, rows being the product of the leading dims
   */
  NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps);

  /**
   * The gradients of {@link #layerNorm} from the output gradient and the saved statistics.
   *
   * @param gy the output gradient, of x's shape
   * @param x the forward pass's input
   * @param mean the saved row means
   * @param rstd the saved reciprocal standard deviations
   * @param gamma the scale, or null
   * @return {dx, dgamma, dbeta}; dgamma and dbeta are [D] (null when gamma was null)
   */
  NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma);
}
