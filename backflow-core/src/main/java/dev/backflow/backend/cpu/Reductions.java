package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.ReduceOp;
import dev.backflow.backend.ReductionKernels;
import dev.backflow.backend.Shapes;

/** Sums, maxima and minima over dimension sets; arg-reductions; the fused softmax pair. */
final class Reductions implements ReductionKernels {
  // The shape of every full reduction's result (a loss); arrays never change a shape they were given.
  private static final int[] SCALAR = new int[0];

  /** True when the kept dims form one run, with reduced dims only before and after it. */
  private static boolean middleKept(boolean[] dims) {
    int d = 0;
    while (d < dims.length && dims[d]) d++;
    while (d < dims.length && !dims[d]) d++;
    while (d < dims.length && dims[d]) d++;
    return d == dims.length;
  }

  /**
   * Sum over leading and trailing dims around a kept middle run, e.g. a conv bias gradient: [N, C, H, W]
   * summed over N, H, W. Each (outer, kept) pair owns a contiguous block of the trailing dims, summed with
   * four independent double accumulators (one chain would wait on every add's latency).
   */
  private static NdArray sumAroundMiddle(NdArray x, int[] shape, boolean[] dims, boolean keepDim, int[] keptShape) {
    int rank = shape.length, d = 0;
    int outer = 1, kept = 1, inner = 1;
    while (d < rank && dims[d]) outer *= shape[d++];
    while (d < rank && !dims[d]) kept *= shape[d++];
    while (d < rank) inner *= shape[d++];
    double[] acc = new double[kept];
    float[] xd = x.data();
    int off = x.offset(), innerBlock = inner, outerCount = outer, keptCount = kept;
    // Kept entries are independent sums: split them across cores (each sums its own, in the same order).
    Parallel.splitItems(kept, x.size(), 1 << 16, (from, to) -> {
      for (int c = from; c < to; c++) {
        double total = 0;
        for (int o = 0; o < outerCount; o++) {
          int base = off + (o * keptCount + c) * innerBlock;
          double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          int i = 0;
          for (; i + 3 < innerBlock; i += 4) {
            s0 += xd[base + i];
            s1 += xd[base + i + 1];
            s2 += xd[base + i + 2];
            s3 += xd[base + i + 3];
          }
          for (; i < innerBlock; i++) s0 += xd[base + i];
          total += (s0 + s1) + (s2 + s3);
        }
        acc[c] = total;
      }
    });
    float[] out = new float[kept];
    for (int c = 0; c < kept; c++) out[c] = (float) acc[c];
    if (keepDim) return NdArray.wrapOwned(out, keptShape);
    int[] outShape = new int[rank];
    int r = 0;
    for (int k = 0; k < rank; k++) if (!dims[k]) outShape[r++] = shape[k];
    return NdArray.wrapOwned(out, java.util.Arrays.copyOf(outShape, r));
  }

  @Override
  public NdArray reduce(ReduceOp op, NdArray x, boolean[] dims, boolean keepDim) {
    int rank = x.rank();
    int[] keptShape = new int[rank];
    int outRank = 0, outSize = 1;
    for (int d = 0; d < rank; d++) {
      keptShape[d] = dims[d] ? 1 : x.shape(d);
      outSize *= keptShape[d];
      if (!dims[d]) outRank++;
    }
    if (x.size() == 0 && op != ReduceOp.SUM) {
      throw new IllegalArgumentException(op.name().toLowerCase() + ": cannot reduce an empty tensor of shape "
          + Shapes.str(x.shape()));
    }
    if (op == ReduceOp.SUM && x.isContiguous() && outSize == 1 && x.size() > 0) {
      // Everything into one number (a loss): row by row as the strided loop below would, so the bits are the same.
      int inner = rank == 0 ? 1 : x.shape(rank - 1), rows = x.size() / inner;
      float[] xd = x.data();
      double acc = 0;
      for (int r = 0, p = x.offset(); r < rows; r++) {
        double row = 0;
        for (int i = 0; i < inner; i++) row += xd[p++];
        acc += row;
      }
      if (keepDim) return NdArray.wrapOwned(new float[] {(float) acc}, keptShape);
      int[] outShape = outRank == 0 ? SCALAR : new int[outRank];
      for (int d = 0, j = 0; d < rank; d++) if (!dims[d]) outShape[j++] = keptShape[d];
      return NdArray.wrapOwned(new float[] {(float) acc}, outShape);
    }
    int[] shape = x.shape();
    if (op == ReduceOp.SUM && x.isContiguous() && isLeadingPrefix(dims) && outSize > 1) {
      return sumLeading(x, outSize, keepDim, keptShape, dims);
    }
    if (op == ReduceOp.SUM && x.isContiguous() && outSize > 1 && middleKept(dims) && dims[rank - 1]) {
      return sumAroundMiddle(x, shape, dims, keepDim, keptShape);
    }
    double[] acc = new double[outSize];
    float init = op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Float.POSITIVE_INFINITY : 0f;
    java.util.Arrays.fill(acc, init);
    // Output strides with 0 on reduced dims: every input element maps to its output cell.
    int[] outStrides = Shapes.contiguousStrides(keptShape);
    for (int d = 0; d < rank; d++) if (dims[d]) outStrides[d] = 0;
    float[] xd = x.data();
    switch (op) {
      case SUM:
        StridedLoop.run(shape, x.offset(), x.strides(), 0, null, 0, outStrides, (pa, sa, pb, sb, pc, sc, n) -> {
          if (sc == 0) {
            double s = 0;
            for (int i = 0; i < n; i++) s += xd[pa + i * sa];
            acc[pc] += s;
          } else {
            for (int i = 0; i < n; i++) acc[pc + i * sc] += xd[pa + i * sa];
          }
        });
        break;
      case MAX:
        StridedLoop.run(shape, x.offset(), x.strides(), 0, null, 0, outStrides, (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) {
            float v = xd[pa + i * sa];
            int o = pc + i * sc;
            if (v > acc[o] || Float.isNaN(v)) acc[o] = v;
          }
        });
        break;
      case MIN:
        StridedLoop.run(shape, x.offset(), x.strides(), 0, null, 0, outStrides, (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) {
            float v = xd[pa + i * sa];
            int o = pc + i * sc;
            if (v < acc[o] || Float.isNaN(v)) acc[o] = v;
          }
        });
        break;
      default:
        throw new IllegalStateException("unhandled reduction " + op);
    }
    float[] out = new float[outSize];
    for (int i = 0; i < outSize; i++) out[i] = (float) acc[i];
    if (keepDim) return NdArray.wrap(out, keptShape);
    int[] outShape = new int[outRank];
    for (int d = 0, j = 0; d < rank; d++) if (!dims[d]) outShape[j++] = shape[d];
    return NdArray.wrap(out, outShape);
  }

  /** True when the reduced dims are exactly a non-empty prefix 0..k-1. */
  private static boolean isLeadingPrefix(boolean[] dims) {
    int k = 0;
    while (k < dims.length && dims[k]) k++;
    if (k == 0) return false;
    for (int d = k; d < dims.length; d++) if (dims[d]) return false;
    return true;
  }

  /** Column sums of a contiguous [rows, cols] layout (the bias gradient), unit stride, double accumulators. */
  private static NdArray sumLeading(NdArray x, int cols, boolean keepDim, int[] keptShape, boolean[] dims) {
    float[] xd = x.data();
    int off = x.offset(), rows = x.size() / cols;
    double[] acc = new double[cols];
    for (int r = 0; r < rows; r++) {
      int base = off + r * cols;
      for (int c = 0; c < cols; c++) acc[c] += xd[base + c];
    }
    float[] out = new float[cols];
    for (int c = 0; c < cols; c++) out[c] = (float) acc[c];
    if (keepDim) return NdArray.wrapOwned(out, keptShape);
    int k = 0;
    while (dims[k]) k++;
    return NdArray.wrapOwned(out, java.util.Arrays.copyOfRange(keptShape, k, keptShape.length));
  }

  @Override
  public NdArray argReduce(ReduceOp op, NdArray x, int dim, boolean keepDim) {
    int[] shape = x.shape();
    int len = shape[dim];
    if (len == 0) {
      throw new IllegalArgumentException("arg" + op.name().toLowerCase() + ": dimension " + dim + " of shape "
          + Shapes.str(shape) + " is empty");
    }
    int[] keptShape = shape.clone();
    keptShape[dim] = 1;
    int outSize = Shapes.numel(keptShape);
    float[] out = new float[outSize];
    // Move the reduced dim last, then each output cell scans one strided run.
    int rank = shape.length;
    int[] perm = new int[rank];
    for (int d = 0, j = 0; d < rank; d++) if (d != dim) perm[j++] = d;
    perm[rank - 1] = dim;
    NdArray p = x.permute(perm);
    int[] pShape = p.shape();
    int[] pStrides = p.strides();
    int[] outerShape = java.util.Arrays.copyOf(pShape, rank - 1);
    int[] outerStrides = java.util.Arrays.copyOf(pStrides, rank - 1);
    int step = pStrides[rank - 1];
    float[] xd = x.data();
    boolean max = op == ReduceOp.MAX;
    int[] cell = {0};
    StridedLoop.run(outerShape.length == 0 ? new int[] {1} : outerShape, p.offset(),
        outerStrides.length == 0 ? new int[] {0} : outerStrides, 0, null, 0, null,
        (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) {
            int base = pa + i * sa;
            int best = 0;
            float bv = xd[base];
            for (int j = 1; j < len && !Float.isNaN(bv); j++) {
              float v = xd[base + j * step];
              if (Float.isNaN(v) || (max ? v > bv : v < bv)) {
                bv = v;
                best = j;
              }
            }
            out[cell[0]++] = best;
          }
        });
    if (keepDim) return NdArray.wrap(out, keptShape);
    int[] outShape = new int[rank - 1];
    for (int d = 0, j = 0; d < rank; d++) if (d != dim) outShape[j++] = shape[d];
    return NdArray.wrap(out, outShape);
  }

  /** Softmax along dim of a contiguous array: subtract the row max, exponentiate, normalize. */
  @Override
  public NdArray softmax(NdArray input, int dim, boolean log) {
    NdArray x = Storage.dense(input);
    int[] shape = x.shape();
    int len = shape[dim];
    int inner = Shapes.innerSize(shape, dim);
    int outer = x.size() / Math.max(1, len * inner);
    float[] xd = x.data();
    int off = x.offset();
    float[] out = new float[x.size()];
    // Rows are independent: whole rows go to each core, each computed as on one core, so the bits do not change.
    Parallel.splitItems(outer * inner, x.size(), Parallel.CHUNK, (from, to) -> {
      for (int row = from; row < to; row++) {
        int o = row / inner, in = row % inner;
        int base = o * len * inner + in;
        float mx = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) mx = Math.max(mx, xd[off + base + j * inner]);
        if (mx == Float.NEGATIVE_INFINITY) mx = 0f; // an all -inf row stays NaN-free until the log
        double sum = 0;
        for (int j = 0; j < len; j++) {
          double e = Math.exp(xd[off + base + j * inner] - mx);
          sum += e;
          if (!log) out[base + j * inner] = (float) e;
        }
        if (log) {
          // (x - max) - log(sum), rounded once: folding max into the log-sum-exp first would round it at
          // the scale of max and cost the small outputs their precision when inputs are large
          double logSum = Math.log(sum);
          for (int j = 0; j < len; j++) out[base + j * inner] = (float) ((double) xd[off + base + j * inner] - mx - logSum);
        } else {
          float inv = (float) (1.0 / sum);
          for (int j = 0; j < len; j++) out[base + j * inner] *= inv;
        }
      }
    });
    return NdArray.wrapOwned(out, shape);
  }

  /**
   * softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy), per row along dim.
   */
  @Override
  public NdArray softmaxBackward(NdArray output, NdArray outputGrad, int dim, boolean log) {
    NdArray y = Storage.dense(output), gy = Storage.dense(outputGrad);
    int[] shape = y.shape();
    int len = shape[dim];
    int inner = Shapes.innerSize(shape, dim);
    int outer = y.size() / Math.max(1, len * inner);
    float[] yd = y.data(), gd = gy.data();
    int yo = y.offset(), go = gy.offset();
    float[] out = new float[y.size()];
    Parallel.splitItems(outer * inner, y.size(), Parallel.CHUNK, (from, to) -> {
      for (int row = from; row < to; row++) {
        int o = row / inner, in = row % inner;
        int base = o * len * inner + in;
        double dot = 0;
        if (log) {
          for (int j = 0; j < len; j++) dot += gd[go + base + j * inner];
          for (int j = 0; j < len; j++) {
            int p = base + j * inner;
            out[p] = (float) (gd[go + p] - Math.exp(yd[yo + p]) * dot);
          }
        } else {
          for (int j = 0; j < len; j++) dot += (double) gd[go + base + j * inner] * yd[yo + base + j * inner];
          for (int j = 0; j < len; j++) {
            int p = base + j * inner;
            out[p] = (float) (yd[yo + p] * (gd[go + p] - dot));
          }
        }
      }
    });
    return NdArray.wrapOwned(out, shape);
  }

  @Override
  public boolean allFinite(NdArray x) {
    NdArray c = Storage.dense(x);
    float[] d = c.data();
    for (int i = c.offset(), end = c.offset() + c.size(); i < end; i++) {
      if (!Float.isFinite(d[i])) return false;
    }
    return true;
  }
}
