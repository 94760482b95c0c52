package dev.backflow.backend;

/** Fused layer normalization: one kernel forward, one backward. Part of {@link Backend}; knows nothing of gradients. */
public interface NormalizationKernels {

  /**
   * Layer normalization over the last dim: {y, mean, rstd} with y = (x - mean) · rstd · gamma + beta,
   * rstd = 1/√(var + eps) (biased variance), mean and rstd of shape [rows]. gamma and beta may be null.
   */
  NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps);

  /** {dx, dgamma, dbeta} of {@link #layerNorm} from gy, x, the saved mean and rstd, and gamma (or null). */
  NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma);
}
