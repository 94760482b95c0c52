package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Pre-norm block: x + attention(LN(x)), then x + MLP(LN(x)) with a 4x GELU hidden layer. */
public final class TransformerBlock extends Module {
  private final LayerNorm ln1, ln2;
  private final MultiHeadSelfAttention attention;
  private final Sequential mlp;

  /**
   * A block of width {@code dModel} with {@code heads} attention heads.
   * Takes {@code [B, T, dModel]} to {@code [B, T, dModel]}.
   *
   * @param dModel the model width C; must be divisible by {@code heads}
   * @param heads the number of attention heads
   * @param dropout the dropout probability during training, in [0, 1]
   * @param rng the generator that draws the initial weights and the dropout masks
   * @throws IllegalArgumentException if {@code heads} does not divide {@code dModel}
   */
  public TransformerBlock(int dModel, int heads, float dropout, RandomGenerator rng) {
    this.ln1 = registerModule("ln1", new LayerNorm(dModel));
    this.attention = registerModule("attention", new MultiHeadSelfAttention(dModel, heads, dropout, rng));
    this.ln2 = registerModule("ln2", new LayerNorm(dModel));
    this.mlp = registerModule("mlp", new Sequential(
        new Linear(dModel, 4 * dModel, rng), Activation.gelu(), new Linear(4 * dModel, dModel, rng), new Dropout(dropout, rng)));
  }

  /** The block over new positions whose predecessors' keys and values are in {@code cache} (generation). */
  Tensor forwardCached(Tensor x, MultiHeadSelfAttention.KvCache cache) {
    x = x.add(attention.forwardCached(ln1.forward(x), cache));
    return x.add(mlp.forward(ln2.forward(x)));
  }

  @Override
  public Tensor forward(Tensor x) {
    x = x.add(attention.forward(ln1.forward(x)));
    return x.add(mlp.forward(ln2.forward(x)));
  }
}
