package dev.backflow.backend;

import java.util.Arrays;

/** Shape arithmetic: element counts, strides and NumPy/PyTorch broadcasting. */
public final class Shapes {
  private Shapes() {}

  /**
   * The number of elements of a shape, the product of its sizes (1 for the scalar shape []).
   *
   * @param shape the sizes of the dims
   * @return the element count
   * @throws IllegalArgumentException if the count exceeds {@code Integer.MAX_VALUE}, the most a tensor holds
   */
  public static int numel(int[] shape) {
    long n = 1;
    for (int s : shape) n *= s;
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
          + " elements; a tensor holds at most " + Integer.MAX_VALUE);
    }
    return (int) n;
  }

  /**
   * The product of the sizes after {@code dim}: how far apart, in a row-major array, two neighbours along {@code dim}
   * sit.
   *
   * @param shape the sizes of the dims
   * @param dim a dim of the shape
   * @return the element count of one slice after {@code dim}
   */
  public static int innerSize(int[] shape, int dim) {
    int n = 1;
    for (int d = dim + 1; d < shape.length; d++) n *= shape[d];
    return n;
  }

  /**
   * The product of the sizes before {@code dim}: how many slices of {@code dim} and the dims after it there are.
   *
   * @param shape the sizes of the dims
   * @param dim a dim of the shape
   * @return the element count of the dims before {@code dim}
   */
  public static int outerSize(int[] shape, int dim) {
    int n = 1;
    for (int d = 0; d < dim; d++) n *= shape[d];
    return n;
  }

  /**
   * Row-major strides of a shape: the last dim has stride 1, each earlier one the product of the sizes after it.
   *
   * @param shape the sizes of the dims
   * @return a new array of strides, one per dim
   */
  public static int[] contiguousStrides(int[] shape) {
    int[] st = new int[shape.length];
    int s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      st[d] = s;
      s *= Math.max(shape[d], 1);
    }
    return st;
  }

  /**
   * The broadcast shape of a and b (NumPy's and PyTorch's rule: align from the last dim; sizes must be equal or one
   * of them 1), or null when they do not broadcast.
   *
   * @param a one shape
   * @param b the other shape
   * @return the broadcast shape, or null
   */
  public static int[] tryBroadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i - (rank - a.length), db = i - (rank - b.length);
      int sa = da < 0 ? 1 : a[da], sb = db < 0 ? 1 : b[db];
      if (sa == sb || sb == 1) out[i] = sa;
      else if (sa == 1) out[i] = sb;
      else return null;
    }
    return out;
  }

  /**
   * A shape as messages print it, e.g. {@code [2, 3]}.
   *
   * @param shape the sizes of the dims
   * @return the text
   */
  public static String str(int[] shape) {
    return Arrays.toString(shape);
  }

  /**
   * Maps a possibly negative dim to [0, rank), with a clear error when out of range (a scalar accepts 0 and -1, as in
   * PyTorch).
   *
   * @param dim the dim, negative counting from the last
   * @param rank the tensor's number of dims
   * @return the dim in [0, rank), or 0 for a scalar
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public static int normalizeDim(int dim, int rank) {
    int r = Math.max(rank, 1);
    int d = dim < 0 ? dim + r : dim;
    if (d < 0 || d >= r) {
      throw new IllegalArgumentException("dimension " + dim + " is out of range for a tensor of " + rank
          + " dimension" + (rank == 1 ? "" : "s") + " (expected " + (-r) + " to " + (r - 1) + ")");
    }
    return d;
  }
}
