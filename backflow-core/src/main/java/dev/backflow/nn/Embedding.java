package dev.backflow.nn;

import dev.backflow.ops.Indexing;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** A lookup table [count, dim], initialized N(0, 1) as PyTorch's Embedding; input holds integer indices. */
public final class Embedding extends Module {
  public final Tensor weight;

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
