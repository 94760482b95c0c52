package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Zeroes each element with probability p in training (scaling the rest by 1/(1-p)); identity in eval. */
public final class Dropout extends Module {
  private final float p;
  private final RandomGenerator rng;

  public Dropout(float p, RandomGenerator rng) {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
    this.p = p;
    this.rng = rng;
  }

  @Override
  public Tensor forward(Tensor x) {
    return dev.backflow.ops.Dropout.dropout(x, p, isTraining(), rng);
  }

  @Override
  protected String extraRepr() {
    return "p=" + p;
  }
}
