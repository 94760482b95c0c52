package dev.backflow.web.engine;

import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.Regularization;
import java.util.List;

/** The regularization term added to the loss: λ·Σ|w| (L1) or λ·½Σw² (L2) over the weights, not the biases. */
public final class WeightPenalty {
  private WeightPenalty() {}

  /** The penalty as a graph tensor, or null when there is none. */
  public static Tensor of(Regularization reg, double rate, List<Tensor> weights) {
    if (reg == Regularization.NONE || rate == 0) return null;
    Tensor sum = null;
    for (Tensor w : weights) {
      Tensor t = reg == Regularization.L1 ? w.abs().sum() : w.square().sum().mul(0.5f);
      sum = sum == null ? t : sum.add(t);
    }
    return sum.mul((float) rate);
  }
}
