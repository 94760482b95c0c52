package dev.backflow.train;

import dev.backflow.ops.Losses;
import dev.backflow.tensor.Tensor;

/** The loss of a batch's predictions against its targets. */
@FunctionalInterface
public interface LossFunction {
  /**
   * The loss of a batch, a scalar.
   * @param predictions the model's output for the batch
   * @param targets the batch's targets
   * @return the loss as a scalar tensor, differentiable in {@code predictions}
   */
  Tensor apply(Tensor predictions, Tensor targets);

  /**
   * Cross-entropy of logits [N, C] against class indices [N].
   * @return {@link dev.backflow.ops.Losses#crossEntropy(Tensor, Tensor)}, averaged over the batch
   */
  static LossFunction crossEntropy() {
    return Losses::crossEntropy;
  }

  /**
   * Mean squared error.
   * @return {@link dev.backflow.ops.Losses#mseLoss(Tensor, Tensor)}: predictions and targets of the same shape
   */
  static LossFunction mse() {
    return Losses::mseLoss;
  }

  /**
   * Binary cross-entropy on logits.
   * @return {@link dev.backflow.ops.Losses#binaryCrossEntropyWithLogits(Tensor, Tensor)}: raw scores and 0/1 targets of
   *     the same shape
   */
  static LossFunction bceWithLogits() {
    return Losses::binaryCrossEntropyWithLogits;
  }
}
