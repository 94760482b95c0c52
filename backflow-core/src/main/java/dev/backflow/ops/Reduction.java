package dev.backflow.ops;

/** How a loss combines per-element values, as PyTorch's {@code reduction=} argument. */
public enum Reduction {
  MEAN, SUM, NONE
}
