package dev.backflow.nn;

import dev.backflow.tensor.Tensor;

/** Flattens every dim but the batch dim: [N, C, H, W] -> [N, C*H*W]. */
public final class Flatten extends Module {
  /** Like {@code torch.nn.Flatten()}: keeps dim 0 and merges the rest. */
  public Flatten() {}

  @Override
  public Tensor forward(Tensor x) {
    return x.flatten(1, -1);
  }
}
