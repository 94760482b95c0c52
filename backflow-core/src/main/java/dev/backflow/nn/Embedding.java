package dev.backflow.nn;

import dev.backflow.Backflow;
import dev.backflow.ops.Indexing;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** A lookup table [count, dim], initialized N(0, 1) as PyTorch's Embedding; input holds integer indices. */
public final class Embedding extends Module {
  /** The table [count, dim]. */
  public final Tensor weight;

  /**
   * A table initialized from the default generator ({@link Backflow#manualSeed}).
   *
   * @param count the number of rows (vocabulary size)
   * @param dim the size of each row
   */
  public Embedding(int count, int dim) {
    this(count, dim, Backflow.generator());
  }

  /**
   * A table initialized from {@code rng}.
   *
   * @param count the number of rows (vocabulary size)
   * @param dim the size of each row
   * @param rng the generator of the initial values
   */
  public Embedding(int count, int dim, RandomGenerator rng) {
    if (count <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: sizes must be positive, got " + count + ", " + dim);
    this.weight = registerParameter("weight", Tensor.randn(rng, count, dim));
  }

  @Override
  public Tensor forward(Tensor indices) {
    return Indexing.embedding(weight, indices);
  }

  @Override
  protected String extraRepr() {
    return weight.shape(0) + ", " + weight.shape(1);
  }
}
