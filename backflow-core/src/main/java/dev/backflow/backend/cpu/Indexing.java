package dev.backflow.backend.cpu;

import dev.backflow.backend.IndexingKernels;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Shapes;

/**
 * gather / scatter_add (per-element indices held as int64, or as integral floats) and index_select / index_add (one index per
 * slice), as PyTorch defines them. Every index is checked before anything is written, so a bad one
 * leaves no half-filled result behind.
 */
final class Indexing implements IndexingKernels {

  @Override
  public NdArray gather(NdArray input, int dim, NdArray indices) {
    NdArray x = Storage.dense(input), index = Storage.dense(indices);
    int[] xs = x.shape(), is = index.shape();
    checkDim("gather", dim, xs);
    if (is.length != xs.length) {
      throw new IllegalArgumentException("gather: index " + Shapes.str(is) + " must have the same rank as input "
          + Shapes.str(xs));
    }
    for (int d = 0; d < xs.length; d++) {
      if (d != dim && is[d] > xs[d]) {
        throw new IllegalArgumentException("gather: index " + Shapes.str(is) + " is larger than input "
            + Shapes.str(xs) + " in dimension " + d);
      }
    }
    checkValues("gather", index, dim, xs[dim]);
    float[] out = new float[index.size()];
    float[] xd = x.data();
    int step = x.stride(dim);
    // x's stride along dim is zeroed so the loop walks the other coordinates; the index value supplies dim.
    int[] xStrides = x.strides();
    xStrides[dim] = 0;
    if (index.isIntegral()) {
      long[] il = index.longs();
      StridedLoop.run(is, index.offset(), index.strides(), x.offset(), xStrides, 0, Shapes.contiguousStrides(is),
          (pi, si, px, sx, po, so, n) -> {
            for (int i = 0; i < n; i++) out[po + i * so] = xd[px + i * sx + (int) il[pi + i * si] * step];
          });
      return NdArray.wrap(out, is);
    }
    float[] id = index.data();
    StridedLoop.run(is, index.offset(), index.strides(), x.offset(), xStrides, 0, Shapes.contiguousStrides(is),
        (pi, si, px, sx, po, so, n) -> {
          for (int i = 0; i < n; i++) out[po + i * so] = xd[px + i * sx + (int) id[pi + i * si] * step];
        });
    return NdArray.wrap(out, is);
  }

  @Override
  public NdArray scatterAdd(int[] shape, int dim, NdArray indices, NdArray source) {
    NdArray index = Storage.dense(indices), src = Storage.dense(source);
    int[] is = index.shape(), ss = src.shape();
    checkDim("scatterAdd", dim, shape);
    if (is.length != shape.length || ss.length != shape.length) {
      throw new IllegalArgumentException("scatterAdd: index " + Shapes.str(is) + ", source " + Shapes.str(ss)
          + " and output " + Shapes.str(shape) + " must have the same rank");
    }
    for (int d = 0; d < shape.length; d++) {
      if (is[d] > ss[d] || (d != dim && is[d] > shape[d])) {
        throw new IllegalArgumentException("scatterAdd: index " + Shapes.str(is) + " is larger than source "
            + Shapes.str(ss) + " or output " + Shapes.str(shape) + " in dimension " + d);
      }
    }
    checkValues("scatterAdd", index, dim, shape[dim]);
    float[] out = new float[Shapes.numel(shape)];
    float[] sd = src.data();
    int[] outStrides = Shapes.contiguousStrides(shape);
    int step = outStrides[dim];
    outStrides[dim] = 0;
    if (index.isIntegral()) {
      long[] il = index.longs();
      StridedLoop.run(is, index.offset(), index.strides(), src.offset(), src.strides(), 0, outStrides,
          (pi, si, ps, ss2, po, so, n) -> {
            for (int i = 0; i < n; i++) out[po + i * so + (int) il[pi + i * si] * step] += sd[ps + i * ss2];
          });
      return NdArray.wrap(out, shape);
    }
    float[] id = index.data();
    StridedLoop.run(is, index.offset(), index.strides(), src.offset(), src.strides(), 0, outStrides,
        (pi, si, ps, ss2, po, so, n) -> {
          for (int i = 0; i < n; i++) out[po + i * so + (int) id[pi + i * si] * step] += sd[ps + i * ss2];
        });
    return NdArray.wrap(out, shape);
  }

  @Override
  public NdArray indexSelect(NdArray input, int dim, int[] index) {
    NdArray x = Storage.dense(input);
    int[] xs = x.shape();
    checkDim("indexSelect", dim, xs);
    checkValues("indexSelect", index, dim, xs[dim]);
    int[] outShape = xs.clone();
    outShape[dim] = index.length;
    int len = xs[dim], inner = Shapes.innerSize(xs, dim), outer = Shapes.outerSize(xs, dim);
    if (x.isIntegral()) {
      // int64 rows (a dataset's labels) are selected as they are, so a batch of labels stays exact
      long[] out = new long[Shapes.numel(outShape)];
      copySlices(x.longs(), x.offset(), outer, len, inner, index, out);
      return NdArray.wrapLongs(out, outShape);
    }
    float[] out = new float[Shapes.numel(outShape)];
    copySlices(x.data(), x.offset(), outer, len, inner, index, out);
    return NdArray.wrap(out, outShape);
  }

  /**
   * Contiguous x: each selected slice is {@code inner} consecutive values, one block per outer position, copied in
   * order into dst. src and dst are both float[] or both long[] (System.arraycopy takes either).
   */
  private static void copySlices(Object src, int offset, int outer, int len, int inner, int[] index, Object dst) {
    int at = 0;
    for (int o = 0; o < outer; o++) {
      int base = offset + o * len * inner;
      for (int i : index) {
        System.arraycopy(src, base + i * inner, dst, at, inner);
        at += inner;
      }
    }
  }

  @Override
  public NdArray indexAdd(int[] shape, int dim, int[] index, NdArray source) {
    NdArray src = Storage.dense(source);
    int[] ss = src.shape();
    checkDim("indexAdd", dim, shape);
    int[] expected = shape.clone();
    expected[dim] = index.length;
    if (!java.util.Arrays.equals(ss, expected)) {
      throw new IllegalArgumentException("indexAdd: source " + Shapes.str(ss) + " must have shape "
          + Shapes.str(expected) + " to add " + index.length + " slices into " + Shapes.str(shape)
          + " along dimension " + dim);
    }
    checkValues("indexAdd", index, dim, shape[dim]);
    int len = shape[dim], inner = Shapes.innerSize(shape, dim), outer = Shapes.outerSize(shape, dim);
    float[] out = new float[Shapes.numel(shape)];
    float[] sd = src.data();
    // Contiguous src: its slices come in exactly the order the loops below visit them.
    int s = src.offset();
    for (int o = 0; o < outer; o++) {
      int base = o * len * inner;
      for (int i : index) {
        int dst = base + i * inner;
        for (int j = 0; j < inner; j++) out[dst + j] += sd[s + j];
        s += inner;
      }
    }
    return NdArray.wrap(out, shape);
  }

  private static void checkDim(String op, int dim, int[] shape) {
    if (dim < 0 || dim >= shape.length) {
      throw new IllegalArgumentException(op + ": dimension " + dim + " is out of range for shape "
          + Shapes.str(shape));
    }
  }

  private static void checkValues(String op, int[] index, int dim, int size) {
    for (int i : index) {
      if (i < 0 || i >= size) throw outOfRange(op, Integer.toString(i), dim, size);
    }
  }

  private static void checkValues(String op, NdArray index, int dim, int size) {
    if (index.isIntegral()) {
      long[] il = index.longs();
      StridedLoop.run(index.shape(), index.offset(), index.strides(), 0, null, 0, null, (pi, si, pb, sb, pc, sc, n) -> {
        for (int i = 0; i < n; i++) {
          long v = il[pi + i * si];
          if (v < 0 || v >= size) throw outOfRange(op, Long.toString(v), dim, size);
        }
      });
      return;
    }
    float[] id = index.data();
    StridedLoop.run(index.shape(), index.offset(), index.strides(), 0, null, 0, null, (pi, si, pb, sb, pc, sc, n) -> {
      for (int i = 0; i < n; i++) {
        float v = id[pi + i * si];
        // rint(NaN) is NaN and never equal, so NaN is reported here too.
        if (v != Math.rint(v)) throw new IllegalArgumentException(op + ": index " + v + " is not an integer");
        if (v < 0 || v >= size) {
          String shown = Math.abs(v) < 1e15f ? Long.toString((long) v) : Float.toString(v);
          throw outOfRange(op, shown, dim, size);
        }
      }
    });
  }

  private static IllegalArgumentException outOfRange(String op, String value, int dim, int size) {
    return new IllegalArgumentException(op + ": index " + value + " is out of range for dimension " + dim
        + " of size " + size);
  }
}
