package dev.backflow.spark;

import dev.backflow.data.Batch;
import dev.backflow.tensor.Tensor;
import java.io.Serializable;

/**
 * One worker's examples for one epoch, in epoch order: micro-batch s of this shard (examples s·n .. s·n+n-1) is
 * what partition p computes at step s of the epoch, and it is micro-batch s·k+p of the single-machine epoch.
 * Cached by Spark for the epoch's steps.
 */
final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;
  final long[] ids;
  final Example[] examples;

  Shard(long[] ids, Example[] examples) {
    this.ids = ids;
    this.examples = examples;
  }

  long[] ids(int microBatch, int n) {
    long[] out = new long[n];
    System.arraycopy(ids, microBatch * n, out, 0, n);
    return out;
  }

  /** Inputs [n, ...inputShape] and targets [n, ...targetShape] of micro-batch {@code microBatch}. */
  Batch batch(int microBatch, int n, int[] inputShape, int[] targetShape) {
    int d = numel(inputShape), t = numel(targetShape);
    float[] x = new float[n * d], y = new float[n * t];
    for (int b = 0; b < n; b++) {
      Example e = examples[microBatch * n + b];
      if (e.size() != d || e.targetSize() != t) {
        throw new IllegalArgumentException("example " + ids[microBatch * n + b] + " has " + e.size() + " features and a target of "
            + e.targetSize() + ", but the trainer expects inputs " + java.util.Arrays.toString(inputShape) + " and targets "
            + java.util.Arrays.toString(targetShape));
      }
      e.copyFeaturesTo(x, b * d);
      e.copyTargetTo(y, b * t);
    }
    return new Batch(Tensor.of(x, prepend(n, inputShape)), Tensor.of(y, prepend(n, targetShape)));
  }

  static int numel(int[] shape) {
    int n = 1;
    for (int s : shape) n *= s;
    return n;
  }

  private static int[] prepend(int n, int[] shape) {
    int[] out = new int[shape.length + 1];
    out[0] = n;
    System.arraycopy(shape, 0, out, 1, shape.length);
    return out;
  }
}
