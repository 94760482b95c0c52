package dev.backflow.backend;

import java.util.Arrays;

/**
 * A strided view of float32 storage: what kernels read and write. It knows nothing of gradients.
 *
 * <p>An array may instead hold 64-bit integers ({@link #isIntegral()}: labels and indices). Views work on
 * either kind; float kernels read {@link #data()} only, which an integral array refuses, so ops hand
 * kernels integer values only where a kernel reads indices, and convert elsewhere
 * ({@link StorageKernels#toFloat}).
 *
 * <p>Row-major with explicit strides, so that transposes, permutations, slices and broadcasts (stride 0)
 * are views that cost no copy. Shape changes here are metadata only; anything that touches values goes
 * through a {@link Backend}.
 */
public final class NdArray {
  final float[] data;

  /** The values of an integral array (then {@code data} is null); null for a float array. */
  final long[] longs;
  final int offset;
  final int[] shape;
  final int[] strides;
  private final int size;
  private final boolean contiguous;

  /**
   * A float32 view of {@code data}: element (i0, i1, ...) lives at {@code offset + Σ i_d · strides[d]}.
   *
   * @param data the storage, shared, not copied
   * @param offset the position of element (0, ..., 0) in {@code data}
   * @param shape the sizes of the dims (kept, not copied: do not change it afterwards)
   * @param strides the step in {@code data} per unit of each dim (0 for a broadcast dim)
   * @throws IllegalArgumentException if the element count overflows an int
   */
  public NdArray(float[] data, int offset, int[] shape, int[] strides) {
    this(data, null, offset, shape, strides);
  }

  private NdArray(float[] data, long[] longs, int offset, int[] shape, int[] strides) {
    this.data = data;
    this.longs = longs;
    this.offset = offset;
    this.shape = shape;
    this.strides = strides;
    this.size = Shapes.numel(shape);
    this.contiguous = denseRowMajor(shape, strides);
  }

  /** A contiguous view at {@code offset}, of either dtype, with its strides and size already known. */
  private NdArray(float[] data, long[] longs, int offset, int[] shape, int[] strides, int size) {
    this.data = data;
    this.longs = longs;
    this.offset = offset;
    this.shape = shape;
    this.strides = strides;
    this.size = size;
    this.contiguous = true;
  }

  /** A contiguous array from arrays the caller hands over and will not touch again (no defensive copy). */
  private NdArray(float[] data, int[] shape, int[] strides, int size) {
    this.data = data;
    this.longs = null;
    this.offset = 0;
    this.shape = shape;
    this.strides = strides;
    this.size = size;
    this.contiguous = true;
  }

  /**
   * A fresh contiguous array over {@code data} (not copied).
   *
   * @param data the values, row-major; its length must be the product of the shape
   * @param shape the sizes of the dims
   * @return the array
   */
  public static NdArray wrap(float[] data, int... shape) {
    return new NdArray(data, 0, shape.clone(), stridesOf(shape));
  }

  /**
   * A fresh contiguous integral array over {@code values} (not copied).
   *
   * @param values the values, row-major; its length must be the product of the shape
   * @param shape the sizes of the dims
   * @return an int64 array
   */
  public static NdArray wrapLongs(long[] values, int... shape) {
    if (values.length != Shapes.numel(shape)) {
      throw new IllegalArgumentException("wrapLongs: " + values.length + " values for shape " + Shapes.str(shape));
    }
    return new NdArray(null, values, 0, shape.clone(), Shapes.contiguousStrides(shape));
  }

  /**
   * As {@link #wrap}, taking ownership of {@code shape}: for kernels returning a freshly built shape.
   *
   * @param data the values, row-major
   * @param shape the sizes of the dims, not copied: the caller must not change it afterwards
   * @return the array
   */
  public static NdArray wrapOwned(float[] data, int[] shape) {
    return new NdArray(data, shape, stridesOf(shape), Shapes.numel(shape));
  }

  // An array never changes its strides, so scalars, vectors and narrow matrices share theirs: one allocation fewer
  // per small result.
  private static final int[] SCALAR_STRIDES = {}, VECTOR_STRIDES = {1};
  private static final int[][] MATRIX_STRIDES = new int[64][];

  static {
    for (int cols = 0; cols < MATRIX_STRIDES.length; cols++) MATRIX_STRIDES[cols] = new int[] {Math.max(cols, 1), 1};
  }

  private static int[] stridesOf(int[] shape) {
    if (shape.length == 2 && shape[1] < MATRIX_STRIDES.length) return MATRIX_STRIDES[shape[1]];
    return shape.length == 0 ? SCALAR_STRIDES : shape.length == 1 ? VECTOR_STRIDES : Shapes.contiguousStrides(shape);
  }

  /**
   * A contiguous array with this one's shape over fresh {@code data} (the shape is shared, it never changes).
   *
   * @param data the values, row-major, as many as this array has elements
   * @return a new float32 array of this shape
   */
  public NdArray withData(float[] data) {
    if (data.length < size) throw new IllegalArgumentException("withData: " + data.length + " floats for " + size + " elements");
    return contiguous ? new NdArray(data, shape, strides, size) : new NdArray(data, shape, stridesOf(shape), size);
  }

  /**
   * True when both have the same shape.
   *
   * @param other the other array
   * @return whether the shapes are equal
   */
  public boolean sameShape(NdArray other) {
    return sameSizes(shape, other.shape);
  }

  // Shapes have a handful of dims: a plain loop beats Arrays.equals's vectorized mismatch at that length.
  private static boolean sameSizes(int[] a, int[] b) {
    if (a.length != b.length) return false;
    for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
    return true;
  }

  /**
   * True when this array's shape and {@code other}'s broadcast together (NumPy's and PyTorch's rule), checked without
   * building the broadcast shape.
   *
   * @param other the other array
   * @return whether the shapes broadcast
   */
  public boolean broadcastsWith(NdArray other) {
    int[] a = shape, b = other.shape;
    for (int i = 1, n = Math.min(a.length, b.length); i <= n; i++) {
      int sa = a[a.length - i], sb = b[b.length - i];
      if (sa != sb && sa != 1 && sb != 1) return false;
    }
    return true;
  }

  /**
   * The broadcast shape of this array and {@code other} (NumPy's and PyTorch's rule), or null when they do not broadcast;
   * the same as {@link Shapes#tryBroadcast} on the two shapes, without copying them first.
   *
   * @param other the other array
   * @return a new array holding the broadcast shape, or null
   */
  public int[] broadcastShape(NdArray other) {
    return Shapes.tryBroadcast(shape, other.shape);
  }

  /**
   * True when this array's shape broadcasts to {@code target}'s exactly (what an in-place op needs: the result keeps
   * the target's shape).
   *
   * @param target the array to be written
   * @return whether this shape stretches to target's without changing it
   */
  public boolean broadcastsTo(NdArray target) {
    int[] a = shape, t = target.shape;
    if (a.length > t.length) return false;
    for (int i = 1; i <= a.length; i++) {
      int sa = a[a.length - i];
      if (sa != 1 && sa != t[t.length - i]) return false;
    }
    return true;
  }

  /**
   * True when this array's shape equals {@code s}.
   *
   * @param s a shape
   * @return whether the shapes are equal
   */
  public boolean hasShape(int[] s) {
    return sameSizes(shape, s);
  }

  /**
   * A contiguous float32 array of zeros.
   *
   * @param shape the sizes of the dims
   * @return the array
   */
  public static NdArray zeros(int... shape) {
    return wrap(new float[Shapes.numel(shape)], shape);
  }

  /**
   * The float storage; an integral array has none, and says so rather than failing later on null. Elements are found
   * through {@link #offset()} and {@link #strides()}; the storage may be larger than the view.
   *
   * @return the backing array, shared
   * @throws IllegalStateException if this array holds int64 values
   */
  public float[] data() {
    if (data == null) {
      throw new IllegalStateException("this array holds int64 values; a float kernel must read it converted "
          + "(StorageKernels.toFloat)");
    }
    return data;
  }

  /**
   * The int64 storage of an integral array; null for a float array.
   *
   * @return the backing array, shared, or null
   */
  public long[] longs() { return longs; }

  /**
   * True when this array holds 64-bit integers rather than float32 values.
   *
   * @return whether the storage is int64
   */
  public boolean isIntegral() { return longs != null; }

  /**
   * The position of element (0, ..., 0) in the storage.
   *
   * @return the offset
   */
  public int offset() { return offset; }

  /**
   * The sizes of the dims.
   *
   * @return a copy of the shape
   */
  public int[] shape() { return shape.clone(); }

  /**
   * The storage step per unit of each dim (0 for a broadcast dim).
   *
   * @return a copy of the strides
   */
  public int[] strides() { return strides.clone(); }

  /**
   * The size of one dim.
   *
   * @param dim the dim, 0 to rank-1 (not negative)
   * @return its size
   */
  public int shape(int dim) { return shape[dim]; }

  /**
   * The storage step of one dim.
   *
   * @param dim the dim, 0 to rank-1
   * @return its stride
   */
  public int stride(int dim) { return strides[dim]; }

  /**
   * The number of dims.
   *
   * @return the rank (0 for a scalar)
   */
  public int rank() { return shape.length; }

  /**
   * The number of elements, the product of the shape.
   *
   * @return the element count
   */
  public int size() { return size; }

  /**
   * True when elements lie densely in row-major order from {@code offset}.
   *
   * @return whether a kernel may read the storage as one flat run
   */
  public boolean isContiguous() {
    return contiguous;
  }

  /**
   * True when this array is all of its storage: dense, and the storage holds nothing else (no view of a larger array).
   *
   * @return whether {@link #data()} belongs to this array alone, as far as its shape goes
   */
  public boolean isWholeStorage() {
    return contiguous && data.length == size();
  }

  private static boolean denseRowMajor(int[] shape, int[] strides) {
    int expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && strides[d] != expected) return false;
      expected *= shape[d];
    }
    return true;
  }

  /**
   * Same storage, new shape; only valid on contiguous arrays (the caller checks).
   *
   * @param newShape sizes with the same product as this shape
   * @return a contiguous view
   */
  public NdArray reshapeContiguous(int... newShape) {
    int[] s = newShape.clone();
    return new NdArray(data, longs, offset, s, stridesOf(s), Shapes.numel(s));
  }

  /**
   * A view with {@code newShape}, or null when the strides cannot express it without a copy (the rule PyTorch's
   * {@code view} follows: each merged group of dims must be contiguous).
   *
   * @param newShape sizes with the same product as this shape
   * @return the view, or null
   */
  public NdArray tryView(int[] newShape) {
    if (isContiguous()) return reshapeContiguous(newShape);
    // PyTorch's computeStride: walk old dims from the innermost, cutting them into chunks that are
    // contiguous among themselves; each chunk must be covered exactly by a run of new dims.
    int[] newStrides = new int[newShape.length];
    int viewD = newShape.length - 1;
    int chunkBaseStride = strides[strides.length - 1];
    long tensorNumel = 1, viewNumel = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      tensorNumel *= shape[d];
      if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBaseStride)) {
        while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
          newStrides[viewD] = (int) (viewNumel * chunkBaseStride);
          viewNumel *= newShape[viewD];
          viewD--;
        }
        if (viewNumel != tensorNumel) return null;
        if (d > 0) {
          chunkBaseStride = strides[d - 1];
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    if (viewD != -1) return null;
    return new NdArray(data, longs, offset, newShape.clone(), newStrides);
  }

  /**
   * A view with the dims reordered: result dim i is this array's dim {@code dims[i]}.
   *
   * @param dims a permutation of 0..rank-1 (already validated)
   * @return the view
   */
  public NdArray permute(int... dims) {
    int[] s = new int[dims.length], st = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      s[i] = shape[dims[i]];
      st[i] = strides[dims[i]];
    }
    return new NdArray(data, longs, offset, s, st);
  }

  /**
   * A view with two dims swapped.
   *
   * @param d0 one dim, 0 to rank-1
   * @param d1 the other dim
   * @return the view
   */
  public NdArray transpose(int d0, int d1) {
    int[] s = shape.clone(), st = strides.clone();
    s[d0] = shape[d1];
    s[d1] = shape[d0];
    st[d0] = strides[d1];
    st[d1] = strides[d0];
    return new NdArray(data, longs, offset, s, st);
  }

  /**
   * Broadcast to {@code target} (already validated): new leading dims and size-1 dims get stride 0.
   *
   * @param target the shape to broadcast to
   * @return the view
   */
  public NdArray expand(int[] target) {
    int lead = target.length - shape.length;
    int[] st = new int[target.length];
    for (int i = 0; i < target.length; i++) {
      int src = i - lead;
      st[i] = (src < 0 || (shape[src] == 1 && target[i] != 1)) ? 0 : strides[src];
    }
    return new NdArray(data, longs, offset, target.clone(), st);
  }

  /**
   * Elements {@code start, start+step, ...} of dim {@code dim}, {@code length} of them (already validated).
   *
   * @param dim the dim to slice, 0 to rank-1
   * @param start the first index
   * @param length how many indices to keep
   * @param step the positive step between them
   * @return the view
   */
  public NdArray slice(int dim, int start, int length, int step) {
    int[] s = shape.clone(), st = strides.clone();
    s[dim] = length;
    st[dim] = strides[dim] * step;
    return new NdArray(data, longs, offset + start * strides[dim], s, st);
  }

  /**
   * A view with a dim of size 1 inserted at {@code dim}.
   *
   * @param dim the new dim's position, 0 to rank
   * @return the view
   */
  public NdArray unsqueeze(int dim) {
    int[] s = new int[shape.length + 1], st = new int[shape.length + 1];
    for (int i = 0, j = 0; i < s.length; i++) {
      if (i == dim) {
        s[i] = 1;
        st[i] = dim < shape.length ? strides[dim] * shape[dim] : 1;
      } else {
        s[i] = shape[j];
        st[i] = strides[j];
        j++;
      }
    }
    return new NdArray(data, longs, offset, s, st);
  }

  /**
   * A view without dim {@code dim}, which must have size 1 (the caller checks).
   *
   * @param dim the dim to remove, 0 to rank-1
   * @return the view
   */
  public NdArray squeeze(int dim) {
    int[] s = new int[shape.length - 1], st = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i == dim) continue;
      s[j] = shape[i];
      st[j] = strides[i];
      j++;
    }
    return new NdArray(data, longs, offset, s, st);
  }

  /**
   * Single element at a multi-index; for tests and printing, not for loops.
   *
   * @param index one non-negative, in-range index per dim (not checked)
   * @return the element (an int64 one converted to float)
   */
  public float get(int... index) {
    int p = position(index);
    return longs != null ? (float) longs[p] : data[p];
  }

  /**
   * Single element of an integral array (a float array's element truncated); for readers, not loops.
   *
   * @param index one non-negative, in-range index per dim (not checked)
   * @return the element
   */
  public long getLong(int... index) {
    int p = position(index);
    return longs != null ? longs[p] : (long) data[p];
  }

  private int position(int[] index) {
    int p = offset;
    for (int d = 0; d < index.length; d++) p += index[d] * strides[d];
    return p;
  }

  /**
   * Whether two arrays may share memory (same storage): in-place writes check this.
   *
   * @param other the other array
   * @return true if both view the same backing array
   */
  public boolean sharesStorageWith(NdArray other) {
    return longs == null ? data == other.data : longs == other.longs;
  }

  /**
   * Shape, strides and offset, e.g. {@code NdArray[2, 3] strides [3, 1] offset 0}, for debugging.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return "NdArray" + (longs != null ? "<int64>" : "") + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset " + offset;
  }
}
