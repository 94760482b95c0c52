package dev.backflow.data;

import dev.backflow.tensor.Tensor;

/**
 * One mini-batch: inputs and targets (class indices, INT64 as the image datasets give them or integer-valued
 * floats as the toy sets do, or regression values); losses and accuracy take either dtype.
 *
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
