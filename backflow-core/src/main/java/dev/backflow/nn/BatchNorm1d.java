package dev.backflow.nn;

/** Batch normalization of [N, C] or [N, C, L] input over the batch (and length) dims. */
public final class BatchNorm1d extends BatchNorm {
  /**
   * Batch normalization of [N, C] or [N, C, L] inputs with C = {@code features}.
   * Like {@code torch.nn.BatchNorm1d(features)}.
   *
   * @param features the number of channels C
   * @throws IllegalArgumentException if {@code features} is not positive
   */
  public BatchNorm1d(int features) {
    super(features, 2);
  }
}
