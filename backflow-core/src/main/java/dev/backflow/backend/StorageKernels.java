package dev.backflow.backend;

import java.util.random.RandomGenerator;

/** Creating arrays, copying them, and their 16-bit (bfloat16) storage for mixed precision. Part of {@link Backend}; knows nothing of gradients. */
public interface StorageKernels {

  /**
   * A float32 array of {@code shape} filled with {@code value}.
   *
   * @param shape the sizes of the dims
   * @param value the fill value
   * @return a new contiguous array
   */
  NdArray full(int[] shape, float value);

  /**
   * start, start + step, ... up to but excluding end, as {@code torch.arange}.
   *
   * @param start the first value
   * @param end the exclusive bound
   * @param step the non-zero spacing
   * @return a new 1-D array
   */
  NdArray arange(double start, double end, double step);

  /**
   * An n×m array with ones on the main diagonal.
   *
   * @param n the rows
   * @param m the columns
   * @return a new [n, m] array
   */
  NdArray eye(int n, int m);

  /**
   * Standard normal samples, in row-major order, drawn from {@code rng}.
   *
   * @param shape the sizes of the dims
   * @param rng the generator; it advances by the number of values drawn
   * @return a new contiguous array
   */
  NdArray randn(int[] shape, RandomGenerator rng);

  /**
   * Uniform samples in [low, high), in row-major order.
   *
   * @param shape the sizes of the dims
   * @param low the inclusive lower bound
   * @param high the exclusive upper bound
   * @param rng the generator; it advances by the number of values drawn
   * @return a new contiguous array
   */
  NdArray rand(int[] shape, float low, float high, RandomGenerator rng);

  /**
   * Dropout mask: {@code scale} with probability {@code keep}, else 0.
   *
   * @param shape the sizes of the dims
   * @param keep the probability of keeping an element (1 - dropout p)
   * @param scale the value of kept elements, usually 1/keep
   * @param rng the generator
   * @return a new contiguous array
   */
  NdArray bernoulli(int[] shape, float keep, float scale, RandomGenerator rng);

  /**
   * {@code x} itself when contiguous, else a contiguous copy.
   *
   * @param x the array
   * @return x, or a row-major copy of it
   */
  NdArray contiguous(NdArray x);

  /**
   * An int64 array of {@code shape} filled with {@code value}.
   *
   * @param shape the sizes of the dims
   * @param value the fill value
   * @return a new contiguous int64 array
   */
  NdArray fullInt64(int[] shape, long value);

  /**
   * A contiguous float32 copy of an int64 array (exact up to 2^24, rounded to nearest beyond); a float array as it is.
   *
   * @param x the array
   * @return a float32 array of x's shape
   */
  NdArray toFloat(NdArray x);

  /**
   * A contiguous int64 copy of a float array, each value truncated toward zero (as PyTorch's {@code .long()}); an int64
   * array as it is. A NaN or infinite value has no integer and is refused by value.
   *
   * @param x the array
   * @return an int64 array of x's shape
   * @throws IllegalArgumentException if a value is NaN or infinite
   */
  NdArray toInt64(NdArray x);

  /**
   * The values of an index tensor as ints, in row-major order, or null when one of them is not an integer (a fraction,
   * NaN, infinity) or an int64 value lies outside the int range: the op that asked names the bad value in its own
   * terms. An int64 array's values are read as they are, with no float step. Read by Java, so captured steps cannot
   * record it.
   *
   * @param x the index array
   * @return the indices, or null if one is not a whole number in int range
   */
  @ReadByJava
  int[] readIndices(NdArray x);

  /**
   * A contiguous copy, always fresh (never x itself).
   *
   * @param x the array
   * @return a new row-major array of x's shape and dtype
   */
  NdArray copy(NdArray x);

  /**
   * Writes {@code src} (broadcast to dst's shape) into the view {@code dst}, converting between int64 and float32 as
   * {@link #toFloat}/{@link #toInt64}.
   *
   * @param src the values
   * @param dst the array or view to overwrite
   */
  void copyInto(NdArray src, NdArray dst);

  /**
   * bfloat16 bits of each element (round to nearest even; NaN stays NaN), in row-major order.
   *
   * @param x a float32 array
   * @return one 16-bit pattern per element
   */
  short[] toBf16(NdArray x);

  /**
   * A contiguous float32 array from bfloat16 bits (exact: bfloat16 is float32's upper half).
   *
   * @param bits one 16-bit pattern per element, row-major
   * @param shape the sizes of the dims
   * @return a new float32 array
   */
  NdArray fromBf16(short[] bits, int[] shape);
}
