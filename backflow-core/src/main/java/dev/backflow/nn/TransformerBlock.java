package dev.backflow.nn;

import dev.backflow.autograd.Graph;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Pre-norm block: x + attention(LN(x)), then x + MLP(LN(x)) with a 4x GELU hidden layer. */
public final class TransformerBlock extends Module {
  private final LayerNorm ln1, ln2;
  private final MultiHeadSelfAttention attention;
  private final Sequential mlp;
  private final Linear up, down;
  private final Activation gelu;
  private final Dropout dropout;

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
    this.up = new Linear(dModel, 4 * dModel, rng);
    this.gelu = Activation.gelu();
    this.down = new Linear(4 * dModel, dModel, rng);
    this.dropout = new Dropout(dropout, rng);
    this.mlp = registerModule("mlp", new Sequential(up, gelu, down, this.dropout));
  }

  /** The block over new positions whose predecessors' keys and values are in {@code cache} (generation). */
  Tensor forwardCached(Tensor x, MultiHeadSelfAttention.KvCache cache) {
    x = x.add(attention.forwardCached(ln1.forward(x), cache));
    return x.add(mlp.forward(ln2.forward(x)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The block's intermediates (both normalized inputs, the attention's output, the sum between the two halves, the
   * MLP's hidden layers and output) are read by nothing but the ops below, so once a plain backward pass has consumed
   * the graph their storage goes back to the backend for the next step ({@link Graph#releaseAfterBackward}); the
   * block's input and output are left alone.
   */
  @Override
  public Tensor forward(Tensor x) {
    Tensor mid = release(x.add(release(attention.forward(release(ln1.forward(x))))));
    return mid.add(release(mlp(release(ln2.forward(mid)))));
  }

  private Tensor mlp(Tensor h) {
    // The MLP as built, layer by layer; a Sequential someone has added to runs as it is, with its insides untouched.
    if (mlp.size() != 4 || mlp.get(0) != up || mlp.get(1) != gelu || mlp.get(2) != down || mlp.get(3) != dropout) {
      return mlp.forward(h);
    }
    Tensor a = gelu.forward(release(up.forward(h)));
    // A forward hook was shown the activation and may keep it.
    if (!gelu.hasForwardHooks()) release(a);
    return dropout.forward(down.forward(a));
  }

  private static Tensor release(Tensor t) {
    return Graph.releaseAfterBackward(t);
  }
}
