package dev.backflow.data;

import dev.backflow.tensor.Tensor;

/**
 * One mini-batch: inputs and targets (class indices as integer-valued floats, or regression values).
 * @param inputs the examples, stacked along a new first dimension: {@code [B, ...]}
 * @param targets what the model should predict for each: class indices {@code [B]} or regression values
 *     {@code [B, ...]}
 */
public record Batch(Tensor inputs, Tensor targets) {
  /**
   * The number of examples in the batch (the inputs' first dim).
   * @return B
   */
  public int size() {
    return inputs.shape(0);
  }
}
