package dev.backflow.data;

import dev.backflow.tensor.Tensor;

/** One mini-batch: inputs and targets (class indices as integer-valued floats, or regression values). */
public record Batch(Tensor inputs, Tensor targets) {
  /** The number of examples in the batch (the inputs' first dim). */
  public int size() {
    return inputs.shape(0);
  }
}
