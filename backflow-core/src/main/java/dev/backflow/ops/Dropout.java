package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p) in training. */
public final class Dropout {
  private Dropout() {}

  /**
   * Inverted dropout; like {@code torch.nn.functional.dropout(x, p, training)}. In training each element is zeroed with
   * probability {@code p} and the survivors are scaled by {@code 1 / (1 - p)}, so that the expected value is unchanged
   * and evaluation needs no rescaling; the same mask multiplies the gradient.
   *
   * @param x input of any shape
   * @param p the probability of zeroing an element, in [0, 1]
   * @param training false (evaluation) returns {@code x} itself
   * @param rng the generator that draws the mask
   * @return {@code x} itself when not training or {@code p == 0}, otherwise a new tensor of {@code x}'s shape
   * @throws IllegalArgumentException if {@code p} is outside [0, 1]
   */
  // the same mask multiplies the gradient
  public static Tensor dropout(Tensor x, float p, boolean training, RandomGenerator rng) {
    if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
    if (!training || p == 0f) return x;
    if (p == 1f) return x.mul(0f);
    Tensor mask = Graph.constant(Backends.current().storage().bernoulli(x.shape(), 1f - p, 1f / (1f - p), rng));
    return x.mul(mask);
  }
}
