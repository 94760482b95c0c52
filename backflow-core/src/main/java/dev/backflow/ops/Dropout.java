package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p) in training. */
public final class Dropout {
  private Dropout() {}

  // the same mask multiplies the gradient
  public static Tensor dropout(Tensor x, float p, boolean training, RandomGenerator rng) {
    if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
    if (!training || p == 0f) return x;
    if (p == 1f) return x.mul(0f);
    Tensor mask = Graph.constant(Backends.current().storage().bernoulli(x.shape(), 1f - p, 1f / (1f - p), rng));
    return x.mul(mask);
  }
}
