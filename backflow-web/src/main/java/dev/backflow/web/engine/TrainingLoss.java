package dev.backflow.web.engine;

import dev.backflow.ops.Losses;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.LossKind;

/**
 * The loss of a forward pass against its targets [examples, 1], averaged over the batch. Cross-entropy
 * is computed from the output's z with the engine's fused binaryCrossEntropyWithLogits (as PyTorch's
 * BCEWithLogitsLoss): its gradient ŷ − y stays finite when σ saturates, where log(ŷ) would not.
 */
public final class TrainingLoss {
  private TrainingLoss() {}

  public static Tensor of(LossKind kind, ForwardPass pass, Tensor targets) {
    switch (kind) {
      case SQUARED: return targets.sub(pass.output()).square().mean();
      case HALF_SQUARED: return targets.sub(pass.output()).square().mean().mul(0.5f);
      case CROSS_ENTROPY: return Losses.binaryCrossEntropyWithLogits(pass.outputZ(), targets);
      default: throw new IllegalStateException(kind.toString());
    }
  }

  /** The same loss written on the probabilities ŷ themselves, to show ∂L/∂ŷ for cross-entropy. */
  public static Tensor crossEntropyOnProbabilities(Tensor yHat, Tensor targets) {
    return Losses.binaryCrossEntropy(yHat, targets);
  }
}
