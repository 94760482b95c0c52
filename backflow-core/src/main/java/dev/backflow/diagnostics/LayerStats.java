package dev.backflow.diagnostics;

import dev.backflow.autograd.Graph;
import dev.backflow.tensor.Tensor;
import java.util.List;

/**
 * The sampled history of one layer with parameters (all tensors registered directly on one module): its
 * gradient norm, weight norm and update-to-weight ratio, each the L2 norm over all of the layer's tensors.
 */
public final class LayerStats {
  private final String name;
  private final List<Tensor> params;
  private final long numel;
  private final RingBuffer steps, gradNorms, weightNorms, updateRatios;
  /** Weights before the sampled step, to measure what the optimizer changed; reused across samples. */
  private float[][] before;

  LayerStats(String name, List<Tensor> params, int history) {
    this.name = name;
    this.params = List.copyOf(params);
    long n = 0;
    for (Tensor p : params) n += p.numel();
    this.numel = n;
    steps = new RingBuffer(history);
    gradNorms = new RingBuffer(history);
    weightNorms = new RingBuffer(history);
    updateRatios = new RingBuffer(history);
  }

  /**
   * Path in the model and type, e.g. "3.body.0 (Linear)".
   * @return the layer's name
   */
  public String name() {
    return name;
  }

  /**
   * The number of weights in the layer, all its tensors together.
   *
   * @return the element count
   */
  public long numel() {
    return numel;
  }

  /**
   * Training steps at which the samples were taken.
   * @return a copy, oldest first, one entry per sample (the x values for the other series)
   */
  public double[] steps() {
    return steps.toArray();
  }

  /**
   * The gradient's L2 norm over the layer's tensors at each sampled step.
   *
   * @return a copy, oldest first, aligned with {@link #steps()}
   */
  public double[] gradNorms() {
    return gradNorms.toArray();
  }

  /**
   * The weights' L2 norm over the layer's tensors at each sampled step.
   *
   * @return a copy, oldest first, aligned with {@link #steps()}
   */
  public double[] weightNorms() {
    return weightNorms.toArray();
  }

  /**
   * ‖Δw‖ / ‖w‖ of each sampled step (NaN for a step that did not complete).
   * @return a copy, oldest first, aligned with {@link #steps()}
   */
  public double[] updateRatios() {
    return updateRatios.toArray();
  }

  /**
   * The typical gradient norm now: the median of the latest finite samples (NaN before any).
   * @return the median, or NaN
   */
  public double recentGradNorm() {
    return gradNorms.recentMedian(GradientMonitor.RECENT);
  }

  /**
   * The typical update-to-weight ratio now, as {@link #recentGradNorm()}.
   * @return the median, or NaN
   */
  public double recentUpdateRatio() {
    return updateRatios.recentMedian(GradientMonitor.RECENT);
  }

  RingBuffer gradNormHistory() {
    return gradNorms;
  }

  RingBuffer weightNormHistory() {
    return weightNorms;
  }

  RingBuffer updateRatioHistory() {
    return updateRatios;
  }

  /** Gradient size per weight, so layers of different sizes compare fairly. */
  double recentGradRms(int n) {
    return gradNorms.recentMedian(n) / Math.sqrt(numel);
  }

  /** Records the gradient norm and keeps the weights, to be compared after the step. */
  double sampleGradients(long step, boolean keepWeights) {
    double sq = 0;
    for (Tensor p : params) if (p.grad() != null) sq += sumOfSquares(p.grad());
    double norm = Math.sqrt(sq);
    steps.add(step);
    gradNorms.add(norm);
    if (keepWeights) {
      if (before == null) before = new float[params.size()][];
      for (int i = 0; i < params.size(); i++) before[i] = copyInto(params.get(i), before[i]);
    }
    return norm;
  }

  /** After the optimizer step of a sampled step: the weight norm and how much the step changed them. */
  void sampleUpdate() {
    double wSq = 0, dSq = 0;
    for (int i = 0; i < params.size(); i++) {
      Tensor p = params.get(i);
      boolean direct = p.isContiguous();
      float[] now = direct ? Graph.array(p).data() : p.toArray();
      int off = direct ? Graph.array(p).offset() : 0;
      double[] sums = squaresAndSquaredDifferences(now, off, before[i]);
      wSq += sums[0];
      dSq += sums[1];
    }
    double w = Math.sqrt(wSq);
    weightNorms.add(w);
    updateRatios.add(w > 0 ? Math.sqrt(dSq) / w : Double.NaN);
  }

  /** Keeps the series aligned when a sampled step never reached the optimizer (a NaN loss). */
  void skipUpdate() {
    weightNorms.add(Double.NaN);
    updateRatios.add(Double.NaN);
  }

  boolean hasPendingUpdate() {
    return weightNorms.total() < gradNorms.total();
  }

  static double sumOfSquares(Tensor t) {
    if (t.isContiguous()) return sumOfSquares(Graph.array(t).data(), Graph.array(t).offset(), t.numel());
    return sumOfSquares(t.toArray(), 0, t.numel());
  }

  // Four running sums, not one: the additions no longer wait on each other, so the pass runs ~4x faster.
  static double sumOfSquares(float[] v, int off, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 3 < n; k += 4) {
      double a = v[off + k], b = v[off + k + 1], c = v[off + k + 2], d = v[off + k + 3];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    for (; k < n; k++) s0 += (double) v[off + k] * v[off + k];
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ w² and Σ (w - old)² in one pass over the weights. */
  static double[] squaresAndSquaredDifferences(float[] v, int off, float[] old) {
    double w0 = 0, w1 = 0, d0 = 0, d1 = 0;
    int k = 0, n = old.length;
    for (; k + 1 < n; k += 2) {
      double a = v[off + k], b = v[off + k + 1], da = a - old[k], db = b - old[k + 1];
      w0 += a * a;
      w1 += b * b;
      d0 += da * da;
      d1 += db * db;
    }
    for (; k < n; k++) {
      double a = v[off + k], da = a - old[k];
      w0 += a * a;
      d0 += da * da;
    }
    return new double[] {w0 + w1, d0 + d1};
  }

  private static float[] copyInto(Tensor p, float[] dst) {
    int n = p.numel();
    if (dst == null || dst.length != n) dst = new float[n];
    if (p.isContiguous()) System.arraycopy(Graph.array(p).data(), Graph.array(p).offset(), dst, 0, n);
    else System.arraycopy(p.toArray(), 0, dst, 0, n);
    return dst;
  }
}
