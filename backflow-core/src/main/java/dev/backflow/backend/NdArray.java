package dev.backflow.backend;

import java.util.Arrays;

/**
 * A strided view of float32 storage: what kernels read and write. It knows nothing of gradients.
 *
 * <p>Row-major with explicit strides, so that transposes, permutations, slices and broadcasts (stride 0)
 * are views that cost no copy. Shape changes here are metadata only; anything that touches values goes
 * through a {@link Backend}.
 */
public final class NdArray {
  final float[] data;
  final int offset;
  final int[] shape;
  final int[] strides;
  private final int size;
  private final boolean contiguous;

  public NdArray(float[] data, int offset, int[] shape, int[] strides) {
    this.data = data;
    this.offset = offset;
    this.shape = shape;
    this.strides = strides;
    this.size = Shapes.numel(shape);
    this.contiguous = denseRowMajor(shape, strides);
  }

  /** A contiguous array from arrays the caller hands over and will not touch again (no defensive copy). */
  private NdArray(float[] data, int[] shape, int[] strides, int size) {
    this.data = data;
    this.offset = 0;
    this.shape = shape;
    this.strides = strides;
    this.size = size;
    this.contiguous = true;
  }

  /** A fresh contiguous array over {@code data} (not copied). */
  public static NdArray wrap(float[] data, int... shape) {
    return new NdArray(data, 0, shape.clone(), Shapes.contiguousStrides(shape));
  }

  /** As {@link #wrap}, taking ownership of {@code shape}: for kernels returning a freshly built shape. */
  public static NdArray wrapOwned(float[] data, int[] shape) {
    return new NdArray(data, shape, Shapes.contiguousStrides(shape), Shapes.numel(shape));
  }

  /** A contiguous array with this one's shape over fresh {@code data} (the shape is shared, it never changes). */
  public NdArray withData(float[] data) {
    if (data.length < size) throw new IllegalArgumentException("withData: " + data.length + " floats for " + size + " elements");
    return contiguous ? new NdArray(data, shape, strides, size) : new NdArray(data, shape, Shapes.contiguousStrides(shape), size);
  }

  /** True when both have the same shape. */
  public boolean sameShape(NdArray other) {
    return Arrays.equals(shape, other.shape);
  }

  /** True when this array's shape equals {@code s}. */
  public boolean hasShape(int[] s) {
    return Arrays.equals(shape, s);
  }

  public static NdArray zeros(int... shape) {
    return wrap(new float[Shapes.numel(shape)], shape);
  }

  public float[] data() { return data; }
  public int offset() { return offset; }
  public int[] shape() { return shape.clone(); }
  public int[] strides() { return strides.clone(); }
  public int shape(int dim) { return shape[dim]; }
  public int stride(int dim) { return strides[dim]; }
  public int rank() { return shape.length; }
  public int size() { return size; }

  /** True when elements lie densely in row-major order from {@code offset}. */
  public boolean isContiguous() {
    return contiguous;
  }

  private static boolean denseRowMajor(int[] shape, int[] strides) {
    int expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && strides[d] != expected) return false;
      expected *= shape[d];
    }
    return true;
  }

  /** Same storage, new shape; only valid on contiguous arrays (the caller checks). */
  public NdArray reshapeContiguous(int... newShape) {
    return new NdArray(data, offset, newShape.clone(), Shapes.contiguousStrides(newShape));
  }

  /**
   * A view with {@code newShape}, or null when the strides cannot express it without a copy
   * (the rule PyTorch's {@code view} follows: each merged group of dimensions must be contiguous).
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
    return new NdArray(data, offset, newShape.clone(), newStrides);
  }

  public NdArray permute(int... dims) {
    int[] s = new int[dims.length], st = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      s[i] = shape[dims[i]];
      st[i] = strides[dims[i]];
    }
    return new NdArray(data, offset, s, st);
  }

  public NdArray transpose(int d0, int d1) {
    int[] perm = new int[shape.length];
    for (int i = 0; i < perm.length; i++) perm[i] = i;
    perm[d0] = d1;
    perm[d1] = d0;
    return permute(perm);
  }

  /** Broadcast to {@code target} (already validated): new leading dims and size-1 dims get stride 0. */
  public NdArray expand(int[] target) {
    int lead = target.length - shape.length;
    int[] st = new int[target.length];
    for (int i = 0; i < target.length; i++) {
      int src = i - lead;
      st[i] = (src < 0 || (shape[src] == 1 && target[i] != 1)) ? 0 : strides[src];
    }
    return new NdArray(data, offset, target.clone(), st);
  }

  /** Elements {@code start, start+step, ...} of dimension {@code dim}, {@code length} of them. */
  public NdArray slice(int dim, int start, int length, int step) {
    int[] s = shape.clone(), st = strides.clone();
    s[dim] = length;
    st[dim] = strides[dim] * step;
    return new NdArray(data, offset + start * strides[dim], s, st);
  }

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
    return new NdArray(data, offset, s, st);
  }

  public NdArray squeeze(int dim) {
    int[] s = new int[shape.length - 1], st = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i == dim) continue;
      s[j] = shape[i];
      st[j] = strides[i];
      j++;
    }
    return new NdArray(data, offset, s, st);
  }

  /** Single element at a multi-index; for tests and printing, not for loops. */
  public float get(int... index) {
    int p = offset;
    for (int d = 0; d < index.length; d++) p += index[d] * strides[d];
    return data[p];
  }

  /** Whether two arrays may share memory (same storage): in-place writes check this. */
  public boolean sharesStorageWith(NdArray other) {
    return data == other.data;
  }

  @Override
  public String toString() {
    return "NdArray" + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " offset " + offset;
  }
}
