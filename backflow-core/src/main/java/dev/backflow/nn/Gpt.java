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

  /**
   * Samples {@code count} tokens after {@code prompt}: each step feeds the last {@code context} tokens,
   * divides the last position's logits by {@code temperature}, keeps the {@code topK} most likely (0 = all)
   * and draws from their softmax.
   */
  public int[] generate(int[] prompt, int count, double temperature, int topK, java.util.random.RandomGenerator rng) {
    if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt must hold at least one token");
    if (!(temperature > 0)) throw new IllegalArgumentException("generate: temperature must be positive, got " + temperature);
    int[] seq = Arrays.copyOf(prompt, prompt.length + count);
    boolean wasTraining = isTraining();
    eval();
    try (var g = Autograd.noGrad()) {
      for (int i = prompt.length; i < seq.length; i++) {
        int from = Math.max(0, i - context);
        float[] window = new float[i - from];
        for (int j = from; j < i; j++) window[j - from] = seq[j];
        Tensor logits = forward(Tensor.of(window, 1, window.length)).select(1, -1).select(0, 0);
        float[] p = logits.div((float) temperature).softmax(0).toArray();
        if (topK > 0 && topK < p.length) {
          float[] sorted = p.clone();
          Arrays.sort(sorted);
          float cut = sorted[p.length - topK];
          for (int k = 0; k < p.length; k++) if (p[k] < cut) p[k] = 0;
        }
        double total = 0;
        for (float v : p) total += v;
        double u = rng.nextDouble() * total, acc = 0;
        int pick = p.length - 1;
        for (int k = 0; k < p.length; k++) {
          acc += p[k];
          if (u < acc) {
            pick = k;
            break;
          }
        }
        seq[i] = pick;
      }
    } finally {
      train(wasTraining);
    }
    return seq;
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
