package dev.backflow.spark;

import dev.backflow.train.LossFunction;
import java.io.Serializable;

/**
 * A {@link LossFunction} Spark can ship to executors. It must be a mean over the micro-batch (as
 * cross-entropy and MSE are), so that k micro-batch gradients scaled by 1/k add up to the gradient of the
 * whole batch.
 */
@FunctionalInterface
public interface TrainingLoss extends LossFunction, Serializable {
  static TrainingLoss crossEntropy() {
    return (out, y) -> dev.backflow.ops.Losses.crossEntropy(out, y);
  }

  /** Cross-entropy of a sequence model's logits [B, T, V] against next tokens [B, T]. */
  static TrainingLoss sequenceCrossEntropy() {
    return (out, y) -> dev.backflow.ops.Losses.crossEntropy(out.reshape(-1, out.shape(out.dim() - 1)), y.reshape(-1));
  }

  static TrainingLoss mse() {
    return (out, y) -> dev.backflow.ops.Losses.mseLoss(out, y);
  }
}
