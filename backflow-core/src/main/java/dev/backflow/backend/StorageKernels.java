package dev.backflow.backend;

import java.util.random.RandomGenerator;

/** Creating arrays, copying them, and their 16-bit (bfloat16) storage for mixed precision. Part of {@link Backend}; knows nothing of gradients. */
public interface StorageKernels {

  NdArray full(int[] shape, float value);

  NdArray arange(double start, double end, double step);

  NdArray eye(int n, int m);

  /** Standard normal samples, in row-major order, drawn from {@code rng}. */
  NdArray randn(int[] shape, RandomGenerator rng);

  /** Uniform samples in [low, high). */
  NdArray rand(int[] shape, float low, float high, RandomGenerator rng);

  /** Dropout mask: {@code scale} with probability {@code keep}, else 0. */
  NdArray bernoulli(int[] shape, float keep, float scale, RandomGenerator rng);

  /** {@code x} itself when contiguous, else a contiguous copy. */
  NdArray contiguous(NdArray x);

  /**
   * The values of an index tensor as ints, in row-major order, or null when one of them is not an
   * integer (a fraction, NaN, infinity): the op that asked names the bad value in its own terms.
   */
  @ReadByJava
  int[] readIndices(NdArray x);

  /** A contiguous copy, always fresh. */
  NdArray copy(NdArray x);

  /** Writes {@code src} (broadcast to dst's shape) into the view {@code dst}. */
  void copyInto(NdArray src, NdArray dst);

  /** bfloat16 bits of each element (round to nearest even; NaN stays NaN), in row-major order. */
  short[] toBf16(NdArray x);

  /** A contiguous float32 array from bfloat16 bits. */
  NdArray fromBf16(short[] bits, int[] shape);
}
