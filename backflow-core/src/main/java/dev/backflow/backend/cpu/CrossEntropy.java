package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.LossKernels;

/**
 * Softmax cross-entropy over rows of logits [N, C] against class indices, forward and backward in one
 * pass each. Composed, it is a log-softmax, a gather, a negation, a mask, a sum and a division forward and
 * as many ops backward; fused, the forward keeps the probabilities and the backward is (p - onehot) · g / n.
 *
 * <pre>
 *   loss_i = log Σ_c e^{x_ic} - x_{i,t_i}     (log-sum-exp with the row max subtracted, in double)
 *   dx_ic  = (p_ic - [c = t_i]) · g / n        (n: rows whose target is not ignored; ignored rows get 0)
 * </pre>
 */
final class CrossEntropy implements LossKernels {
  private final FusedKernels fused;

  CrossEntropy(FusedKernels fused) {
    this.fused = fused;
  }


  /** {mean loss (a scalar), probabilities [N, C]}; targets equal to ignoreIndex count for nothing. */
  static NdArray[] forward(FusedKernels fused, NdArray logits, int[] targets, int ignoreIndex) {
    int rows = logits.shape(0), classes = logits.shape(1);
    float[] x = logits.data(), p = new float[rows * classes];
    int off = logits.offset();
    double total = 0;
    int counted = 0;
    for (int i = 0; i < rows; i++) {
      int base = off + i * classes, out = i * classes;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) max = Math.max(max, x[base + c]);
      double sum = fused.expShifted(x, base, p, out, classes, 1f, max);
      float inv = (float) (1 / sum);
      for (int c = 0; c < classes; c++) p[out + c] *= inv;
      int t = targets[i];
      if (t == ignoreIndex) continue;
      total += Math.log(sum) + max - x[base + t];
      counted++;
    }
    // All rows ignored: 0/0, NaN, as PyTorch's mean reduction gives.
    float loss = (float) (total / counted);
    return new NdArray[] {NdArray.wrap(new float[] {loss}), NdArray.wrap(p, rows, classes)};
  }

  /** d(mean loss)/d logits, times the upstream scalar gradient g. */
  static NdArray backward(NdArray probs, int[] targets, int ignoreIndex, float g) {
    int rows = probs.shape(0), classes = probs.shape(1);
    int counted = 0;
    for (int t : targets) if (t != ignoreIndex) counted++;
    float scale = g / counted;
    float[] p = probs.data(), dx = new float[rows * classes];
    int off = probs.offset();
    for (int i = 0; i < rows; i++) {
      int t = targets[i];
      if (t == ignoreIndex) continue;
      int base = off + i * classes, out = i * classes;
      for (int c = 0; c < classes; c++) dx[out + c] = p[base + c] * scale;
      dx[out + t] -= scale;
    }
    return NdArray.wrap(dx, rows, classes);
  }

  @Override
  public NdArray[] crossEntropy(NdArray logits, int[] targets, int ignoreIndex) {
    return forward(fused, Storage.dense(logits), targets, ignoreIndex);
  }

  @Override
  public NdArray crossEntropyBackward(NdArray probs, int[] targets, int ignoreIndex, NdArray g) {
    return backward(Storage.dense(probs), targets, ignoreIndex, g.data()[g.offset()]);
  }
}
