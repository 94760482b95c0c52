package dev.backflow.nn;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A small GPT: token and position embeddings, a stack of pre-norm transformer blocks, a final LayerNorm
 * and a linear head to next-token logits. Built only from the modules of this package.
 */
public final class Gpt extends Module {
  private final int vocab, context, dModel;
  private final Embedding tokens, positions;
  private final Sequential blocks;
  private final LayerNorm lnFinal;
  private final Linear head;

  public Gpt(int vocab, int context, int dModel, int layers, int heads, float dropout, RandomGenerator rng) {
    this.vocab = vocab;
    this.context = context;
    this.dModel = dModel;
    this.tokens = registerModule("tokens", new Embedding(vocab, dModel, rng));
    this.positions = registerModule("positions", new Embedding(context, dModel, rng));
    this.blocks = registerModule("blocks", new Sequential());
    for (int i = 0; i < layers; i++) blocks.add(new TransformerBlock(dModel, heads, dropout, rng));
    this.lnFinal = registerModule("lnFinal", new LayerNorm(dModel));
    this.head = registerModule("head", new Linear(dModel, vocab, false, rng));
    // GPT-2 style: small embeddings keep the residual stream's early scale modest.
    try (var g = Autograd.noGrad()) {
      tokens.weight.mul_(0.02f);
      positions.weight.mul_(0.02f);
    }
  }

  /** Token indices [B, T] (T ≤ context) to logits [B, T, vocab]. */
  @Override
  public Tensor forward(Tensor idx) {
    if (idx.dim() != 2 || idx.shape(1) > context) {
      throw new IllegalArgumentException("Gpt: expected token indices [B, T] with T <= " + context + ", got "
          + Arrays.toString(idx.shape()));
    }
    int t = idx.shape(1);
    Tensor x = tokens.forward(idx).add(positions.forward(Tensor.arange(t)));
    return head.forward(lnFinal.forward(blocks.forward(x)));
  }

  public int vocab() {
    return vocab;
  }

  public int context() {
    return context;
  }

  @Override
  protected String extraRepr() {
    return "vocab=" + vocab + ", context=" + context + ", dModel=" + dModel;
  }
}
