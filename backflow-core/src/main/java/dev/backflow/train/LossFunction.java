package dev.backflow.train;

import dev.backflow.ops.Losses;
import dev.backflow.tensor.Tensor;

/** The loss of a batch's predictions against its targets. */
@FunctionalInterface
public interface LossFunction {
  /** The loss of a batch, a scalar. */
  Tensor apply(Tensor predictions, Tensor targets);

  /** Cross-entropy of logits [N, C] against class indices [N]. */
  static LossFunction crossEntropy() {
    return Losses::crossEntropy;
  }

  /** Mean squared error. */
  static LossFunction mse() {
    return Losses::mseLoss;
  }

  /** Binary cross-entropy on logits. */
  static LossFunction bceWithLogits() {
    return Losses::binaryCrossEntropyWithLogits;
  }
}
