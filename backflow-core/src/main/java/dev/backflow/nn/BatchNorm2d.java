package dev.backflow.nn;

/** Batch normalization of [N, C, H, W] input over the batch and spatial dims. */
public final class BatchNorm2d extends BatchNorm {
  /**
   * Batch normalization of [N, C, H, W] inputs with C = {@code features}.
   * Like {@code torch.nn.BatchNorm2d(features)}.
   *
   * @param features the number of channels C
   * @throws IllegalArgumentException if {@code features} is not positive
   */
  public BatchNorm2d(int features) {
    super(features, 4);
  }
}
