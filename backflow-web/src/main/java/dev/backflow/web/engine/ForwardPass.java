package dev.backflow.web.engine;

import dev.backflow.tensor.Tensor;
import java.util.List;

/**
 * What one forward pass computed, layer by layer: z = a_prev·Wᵀ + b (the weighted sum) and a = f(z)
 * (the activation), each [examples, neurons]. For a linear layer a is z itself.
 */
public record ForwardPass(Tensor input, List<Tensor> z, List<Tensor> a) {
  public Tensor output() {
    return a.get(a.size() - 1);
  }

  public Tensor outputZ() {
    return z.get(z.size() - 1);
  }

  /** The activation that feeds layer {@code layer} (0-based): the input for the first layer. */
  public Tensor inputTo(int layer) {
    return layer == 0 ? input : a.get(layer - 1);
  }
}
