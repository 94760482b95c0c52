package dev.backflow.ops;

import dev.backflow.autograd.Autograd;
import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.backend.NdArray;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Normalization layers' functional forms, each one fused kernel forward and one backward. */
public final class Normalization {
  private Normalization() {}

  /**
   * Layer normalization over the last dimension: each row is shifted to mean 0 and scaled to variance 1 (biased
   * variance), then multiplied by {@code weight} and shifted by {@code bias}; like
   * {@code torch.nn.functional.layer_norm(x, [D], weight, bias, eps)}. One fused kernel computes it and its gradient.
   *
   * @param x input {@code [..., D]}
   * @param weight per-feature scale {@code [D]} (γ), or null for none
   * @param bias per-feature shift {@code [D]} (β), or null for none
   * @param eps added to the variance before the square root, positive (PyTorch's default is 1e-5)
   * @return a new tensor of {@code x}'s shape
   * @throws IllegalArgumentException if {@code x} is a scalar, {@code eps} is not positive, or a weight or bias is not
   *     {@code [D]}
   */
  // y = x̂ γ + β with x̂ = (x - mean) / √(var + eps) over the last dim;
  // dx = rstd (ĝ - mean(ĝ) - x̂ mean(ĝ x̂)) with ĝ = g γ;  dγ = Σ_rows g x̂;  dβ = Σ_rows g
  public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
    if (x.dim() == 0) throw new IllegalArgumentException("layerNorm: input must have at least 1 dimension, got a scalar");
    if (!(eps > 0)) throw new IllegalArgumentException("layerNorm: eps must be positive, got " + eps);
    int d = x.shape(-1);
    for (Tensor p : new Tensor[] {weight, bias}) {
      if (p != null && (p.dim() != 1 || p.shape(0) != d)) {
        throw new IllegalArgumentException("layerNorm: weight and bias must have shape [" + d + "] for input "
            + Arrays.toString(x.shape()) + ", got " + Arrays.toString(p.shape()));
      }
    }
    NdArray gamma = weight == null ? null : Graph.array(weight), beta = bias == null ? null : Graph.array(bias);
    NdArray[] r = Backends.current().normalization().layerNorm(Graph.array(x), gamma, beta, eps);
    NdArray mean = r[1], rstd = r[2];
    Tensor[] inputs = weight == null && bias == null ? new Tensor[] {x}
        : weight == null ? new Tensor[] {x, bias} : bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
    return Graph.record("layerNorm", r[0], (g, need) -> {
      Tensor dx, dw, db;
      if (Autograd.isGradEnabled()) {
        Tensor[] grads = differentiableGrads(g, x, weight, eps);
        dx = grads[0];
        dw = grads[1];
        db = grads[2];
      } else {
        NdArray[] grads = Backends.current().normalization().layerNormBackward(Graph.array(g), Graph.array(x), mean, rstd, gamma);
        dx = Graph.constant(grads[0]);
        dw = Graph.constant(grads[1]);
        db = Graph.constant(grads[2]);
      }
      if (inputs.length == 1) return new Tensor[] {dx};
      if (inputs.length == 3) return new Tensor[] {dx, dw, db};
      return new Tensor[] {dx, weight == null ? db : dw};
    }, inputs);
  }

  /**
   * The same gradients in tensor ops, for createGraph (the fused kernel's are first-order only), with the
   * statistics recomputed from x so that their dependence on x is differentiated too.
   */
  private static Tensor[] differentiableGrads(Tensor g, Tensor x, Tensor weight, float eps) {
    int[] last = {-1};
    int d = x.shape(-1);
    Tensor centered = x.sub(x.mean(last, true));
    Tensor rstd = centered.mul(centered).mean(last, true).add(eps).pow(-0.5f);
    Tensor xHat = centered.mul(rstd);
    Tensor gHat = weight == null ? g : g.mul(weight);
    Tensor dx = rstd.mul(gHat.sub(gHat.mean(last, true)).sub(xHat.mul(gHat.mul(xHat).mean(last, true))));
    return new Tensor[] {dx, g.mul(xHat).reshape(-1, d).sum(0), g.reshape(-1, d).sum(0)};
  }
}
