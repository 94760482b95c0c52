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

  /**
   * A GPT over {@code vocab} tokens with a window of {@code context} positions.
   * Embeddings are drawn small (scaled by 0.02, as GPT-2), so the residual stream starts at a modest scale.
   *
   * @param vocab the number of distinct tokens
   * @param context the longest sequence the model reads (the number of learned positions)
   * @param dModel the width of every position's vector; must be divisible by {@code heads}
   * @param layers the number of transformer blocks
   * @param heads the number of attention heads per block
   * @param dropout the dropout probability inside each block during training, in [0, 1]
   * @param rng the generator that draws the initial weights and the dropout masks
   * @throws IllegalArgumentException if {@code dModel} is not divisible by {@code heads} or a size is not positive
   */
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
   * Samples {@code count} tokens after {@code prompt}: each step divides the last position's logits by
   * {@code temperature}, keeps the {@code topK} most likely (0 = all) and draws from their softmax.
   *
   * <p>Keys and values of earlier positions are cached, so a step runs the network on one new token, not on
   * the whole window. When the window is full, the cache restarts from the last half of the context (the
   * positions are numbered from the window's start, so a sliding window cannot keep its cache): every token
   * is predicted from at least {@code context / 2} predecessors, and from all of them until the context is
   * first filled, where the result equals the uncached {@link #forward} on the same window.
   *
   * @param prompt token ids, at least one
   * @param count tokens to add
   * @param temperature a positive divisor of the logits
   * @param topK how many of the most likely tokens to draw from (0 = all)
   * @param rng the generator of the draws
   * @return the prompt followed by the sampled tokens
   */
  public int[] generate(int[] prompt, int count, double temperature, int topK, java.util.random.RandomGenerator rng) {
    if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt must hold at least one token");
    if (!(temperature > 0)) throw new IllegalArgumentException("generate: temperature must be positive, got " + temperature);
    int[] seq = Arrays.copyOf(prompt, prompt.length + count);
    boolean wasTraining = isTraining();
    eval();
    try (var g = Autograd.noGrad()) {
      MultiHeadSelfAttention.KvCache[] caches = null;
      int cached = 0;   // positions [i - cached, i) are in the caches, numbered from 0
      for (int i = prompt.length; i < seq.length; i++) {
        int from;
        if (caches == null || cached == context) {
          // (re)start: feed the window whole; on a restart keep half the context, so restarts are rare
          from = caches == null ? Math.max(0, i - context) : i - context / 2;
          caches = new MultiHeadSelfAttention.KvCache[blocks.size()];
          for (int b = 0; b < caches.length; b++) caches[b] = new MultiHeadSelfAttention.KvCache();
          cached = 0;
        } else {
          from = i - 1;
        }
        float[] window = new float[i - from];
        for (int j = from; j < i; j++) window[j - from] = seq[j];
        Tensor logits = forwardCached(Tensor.of(window, 1, window.length), cached, caches).select(1, -1).select(0, 0);
        cached += window.length;
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

  /** The logits of new positions numbered from {@code past}, the blocks' caches holding positions 0..past-1. */
  private Tensor forwardCached(Tensor idx, int past, MultiHeadSelfAttention.KvCache[] caches) {
    int t = idx.shape(1);
    Tensor x = tokens.forward(idx).add(positions.forward(Tensor.arange(past, past + t, 1)));
    for (int b = 0; b < caches.length; b++) x = ((TransformerBlock) blocks.get(b)).forwardCached(x, caches[b]);
    return head.forward(lnFinal.forward(x));
  }

  /**
   * The number of tokens.
   * @return the vocabulary size the model was built with
   */
  public int vocab() {
    return vocab;
  }

  /**
   * The longest window of positions the model reads.
   * @return the context length, in positions
   */
  public int context() {
    return context;
  }

  @Override
  protected String extraRepr() {
    return "vocab=" + vocab + ", context=" + context + ", dModel=" + dModel;
  }
}
