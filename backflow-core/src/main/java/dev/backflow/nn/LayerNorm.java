package dev.backflow.nn;

import dev.backflow.ops.Normalization;
import dev.backflow.tensor.Tensor;

/** Normalizes over the last dim to zero mean and unit variance, then scales and shifts (γ=1, β=0 at start). */
public final class LayerNorm extends Module {
  /** The learned scale and shift over the last dim. */
  public final Tensor weight, bias;
  private final int features;
  private final float eps;

  /**
   * Layer normalization over a last dim of {@code features}, eps 1e-5.
   * Like {@code torch.nn.LayerNorm(features)}.
   *
   * @param features the size D of the input's last dimension
   * @throws IllegalArgumentException if {@code features} is not positive
   */
  public LayerNorm(int features) {
    this(features, 1e-5f);
  }

  /**
   * Layer normalization with the given eps.
   * Like {@code torch.nn.LayerNorm(features, eps=eps)}.
   *
   * @param features the size D of the input's last dimension
   * @param eps added to the variance before the square root, positive
   * @throws IllegalArgumentException if {@code features} is not positive or {@code eps} is not positive
   */
  public LayerNorm(int features, float eps) {
    if (features <= 0) throw new IllegalArgumentException("LayerNorm: features must be positive, got " + features);
    if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
    this.features = features;
    this.eps = eps;
    this.weight = registerParameter("weight", Tensor.ones(features));
    this.bias = registerParameter("bias", Tensor.zeros(features));
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() == 0 || x.shape(-1) != features) {
      throw new IllegalArgumentException("LayerNorm(" + features + "): input of shape "
          + java.util.Arrays.toString(x.shape()) + " does not end in " + features + " features");
    }
    return Normalization.layerNorm(x, weight, bias, eps);
  }

  @Override
  protected String extraRepr() {
    return String.valueOf(features);
  }
}
