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

  /** Clamps every gradient element to [-clip, clip]. */
  public static void clipGradValue(List<Tensor> params, double clip) {
    if (!(clip > 0)) throw new IllegalArgumentException("clipGradValue: clip must be positive, got " + clip);
    try (var g = Autograd.noGrad()) {
      for (Tensor p : params) {
        if (p.grad() != null) p.grad().copy_(p.grad().clamp((float) -clip, (float) clip));
      }
    }
  }

  /** √(Σ over parameters of |grad|²). */
  public static double globalNorm(List<Tensor> params) {
    double sq = 0;
    try (var g = Autograd.noGrad()) {
      for (Tensor p : params) if (p.grad() != null) sq += p.grad().square().sum().item();
    }
    return Math.sqrt(sq);
  }
}
