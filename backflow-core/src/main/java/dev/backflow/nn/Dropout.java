package dev.backflow.nn;

import dev.backflow.Backflow;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Zeroes each element with probability p in training (scaling the rest by 1/(1-p)); identity in eval. */
public final class Dropout extends Module {
  private final float p;
  private final transient RandomGenerator rng;

  /**
   * Dropout drawing its masks from the default generator ({@link Backflow#manualSeed}).
   *
   * @param p the probability of zeroing an element, in [0, 1)
   */
  public Dropout(float p) {
    this(p, Backflow.generator());
  }

  /**
   * Dropout drawing its masks from {@code rng}.
   *
   * @param p the probability of zeroing an element, in [0, 1)
   * @param rng the generator of the masks
   */
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
