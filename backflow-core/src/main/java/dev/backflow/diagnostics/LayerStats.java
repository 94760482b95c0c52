package dev.backflow.diagnostics;

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

  /** Path in the model and type, e.g. "3.body.0 (Linear)". */
  public String name() {
    return name;
  }

  public long numel() {
    return numel;
  }

  /** Training steps at which the samples were taken. */
  public double[] steps() {
    return steps.toArray();
  }

  public double[] gradNorms() {
    return gradNorms.toArray();
  }

  public double[] weightNorms() {
    return weightNorms.toArray();
  }

  /** ‖Δw‖ / ‖w‖ of each sampled step (NaN for a step that did not complete). */
  public double[] updateRatios() {
    return updateRatios.toArray();
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
      float[] data = p.array().data();
      float[] old = before[i];
      if (p.isContiguous()) {
        int off = p.array().offset();
        for (int k = 0; k < old.length; k++) {
          double w = data[off + k], d = w - old[k];
          wSq += w * w;
          dSq += d * d;
        }
      } else {
        float[] now = p.toArray();
        for (int k = 0; k < old.length; k++) {
          double w = now[k], d = w - old[k];
          wSq += w * w;
          dSq += d * d;
        }
      }
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
    double s = 0;
    if (t.isContiguous()) {
      float[] data = t.array().data();
      int off = t.array().offset(), n = t.numel();
      for (int k = off; k < off + n; k++) s += (double) data[k] * data[k];
    } else {
      for (float v : t.toArray()) s += (double) v * v;
    }
    return s;
  }

  private static float[] copyInto(Tensor p, float[] dst) {
    int n = p.numel();
    if (dst == null || dst.length != n) dst = new float[n];
    if (p.isContiguous()) System.arraycopy(p.array().data(), p.array().offset(), dst, 0, n);
    else System.arraycopy(p.toArray(), 0, dst, 0, n);
    return dst;
  }
}
