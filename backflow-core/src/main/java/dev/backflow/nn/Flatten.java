package dev.backflow.nn;

import dev.backflow.tensor.Tensor;

/** Flattens every dim but the batch dim: [N, C, H, W] -> [N, C*H*W]. */
public final class Flatten extends Module {
  @Override
  public Tensor forward(Tensor x) {
    return x.flatten(1, -1);
  }
}
