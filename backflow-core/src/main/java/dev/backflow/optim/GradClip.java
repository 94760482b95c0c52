package dev.backflow.optim;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.List;

/** Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_. */
public final class GradClip {
  private GradClip() {}

  /**
   * Scales all gradients together so their global L2 norm is at most {@code maxNorm}; returns the norm
   * before clipping (useful to log: a growing norm is the first sign of exploding gradients).
   * Like {@code torch.nn.utils.clip_grad_norm_(params, maxNorm)}. Call it between {@code backward()} and
   * {@code step()}; parameters without a gradient are skipped.
   *
   * @param params the parameters whose {@code .grad} to scale in place
   * @param maxNorm the largest global norm allowed, positive
   * @return the global norm before clipping
   * @throws IllegalArgumentException if {@code maxNorm} is not positive
   */
  public static double clipGradNorm(List<Tensor> params, double maxNorm) {
    if (!(maxNorm > 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be positive, got " + maxNorm);
    double total = globalNorm(params);
    double scale = maxNorm / (total + 1e-6);
    if (scale < 1) {
      try (var g = Autograd.noGrad()) {
        for (Tensor p : params) if (p.grad() != null) p.grad().mul_((float) scale);
      }
    }
    return total;
  }

  /**
   * Clamps every gradient element to [-clip, clip].
   * Like {@code torch.nn.utils.clip_grad_value_(params, clip)}; parameters without a gradient are skipped.
   *
   * @param params the parameters whose {@code .grad} to clamp in place
   * @param clip the largest magnitude allowed, positive
   * @throws IllegalArgumentException if {@code clip} is not positive
   */
  public static void clipGradValue(List<Tensor> params, double clip) {
    if (!(clip > 0)) throw new IllegalArgumentException("clipGradValue: clip must be positive, got " + clip);
    try (var g = Autograd.noGrad()) {
      for (Tensor p : params) {
        if (p.grad() != null) p.grad().copy_(p.grad().clamp((float) -clip, (float) clip));
      }
    }
  }

  /**
   * √(Σ over parameters of |grad|²).
   * The global gradient norm that {@link #clipGradNorm} compares with its limit; parameters without a gradient count
   * as zero. Nothing is changed.
   *
   * @param params the parameters whose gradients to measure
   * @return the L2 norm of all their gradients taken together
   */
  public static double globalNorm(List<Tensor> params) {
    double sq = 0;
    try (var g = Autograd.noGrad()) {
      for (Tensor p : params) if (p.grad() != null) sq += p.grad().square().sum().item();
    }
    return Math.sqrt(sq);
  }
}
