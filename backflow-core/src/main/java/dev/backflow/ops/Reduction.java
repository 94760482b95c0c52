package dev.backflow.ops;

/** How a loss combines per-element values, as PyTorch's {@code reduction=} argument. */
public enum Reduction {
  /** The mean over all elements (over the counted ones where some are ignored): {@code reduction='mean'}. */
  MEAN,
  /** The sum over all elements: {@code reduction='sum'}. */
  SUM,
  /** No reduction: one loss value per element (per sample for classification losses): {@code reduction='none'}. */
  NONE
}
