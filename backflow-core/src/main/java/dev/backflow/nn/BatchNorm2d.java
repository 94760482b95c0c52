package dev.backflow.nn;

/** Batch normalization of [N, C, H, W] input over the batch and spatial dims. */
public final class BatchNorm2d extends BatchNorm {
  /** Batch normalization of [N, C, H, W] inputs with C = {@code features}. */
  public BatchNorm2d(int features) {
    super(features, 4);
  }
}
