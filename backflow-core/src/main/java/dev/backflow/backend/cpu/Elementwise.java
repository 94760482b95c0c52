package dev.backflow.backend.cpu;

import dev.backflow.backend.BinaryOp;
import dev.backflow.backend.ElementwiseKernels;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Shapes;
import dev.backflow.backend.UnaryOp;

/**
 * The element-wise family: maps and binary ops with broadcasting. Dense operands go to the fused row kernels
 * (SIMD or their plain-Java twin, {@link FusedKernels}) split across cores; broadcast and strided ones to
 * row kernels here (one switch per row, then a tight loop).
 */
final class Elementwise implements ElementwiseKernels {
  private final FusedKernels fused;

  Elementwise(FusedKernels fused) {
    this.fused = fused;
  }

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
  private static final float GELU_C = 0.044715f;
  private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  static void unaryRow(UnaryOp op, float p, float q, float[] x, int px, int sx, float[] y, int py, int sy, int n) {
    switch (op) {
      case NEG: for (int i = 0; i < n; i++) y[py + i * sy] = -x[px + i * sx]; break;
      case EXP: for (int i = 0; i < n; i++) y[py + i * sy] = (float) Math.exp(x[px + i * sx]); break;
      case LOG: for (int i = 0; i < n; i++) y[py + i * sy] = (float) Math.log(x[px + i * sx]); break;
      case SQRT: for (int i = 0; i < n; i++) y[py + i * sy] = (float) Math.sqrt(x[px + i * sx]); break;
      case ABS: for (int i = 0; i < n; i++) y[py + i * sy] = Math.abs(x[px + i * sx]); break;
      case SIGN: for (int i = 0; i < n; i++) y[py + i * sy] = Math.signum(x[px + i * sx]); break;
      case SQUARE: for (int i = 0; i < n; i++) { float v = x[px + i * sx]; y[py + i * sy] = v * v; } break;
      case RECIPROCAL: for (int i = 0; i < n; i++) y[py + i * sy] = 1f / x[px + i * sx]; break;
      case SIGMOID: for (int i = 0; i < n; i++) y[py + i * sy] = sigmoid(x[px + i * sx]); break;
      case TANH: for (int i = 0; i < n; i++) y[py + i * sy] = (float) Math.tanh(x[px + i * sx]); break;
      case RELU: for (int i = 0; i < n; i++) y[py + i * sy] = Math.max(x[px + i * sx], 0f); break; // NaN stays NaN, as PyTorch
      case LEAKY_RELU:
        for (int i = 0; i < n; i++) { float v = x[px + i * sx]; y[py + i * sy] = v > 0 ? v : v * p; }
        break;
      case GELU_TANH:
        for (int i = 0; i < n; i++) {
          float v = x[px + i * sx];
          y[py + i * sy] = 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (v + GELU_C * v * v * v)));
        }
        break;
      case GELU_ERF:
        for (int i = 0; i < n; i++) {
          double v = x[px + i * sx];
          y[py + i * sy] = (float) (0.5 * v * (1.0 + Erf.erf(v * INV_SQRT_2)));
        }
        break;
      case SOFTPLUS:
        for (int i = 0; i < n; i++) {
          float v = x[px + i * sx], bv = v * p;
          y[py + i * sy] = bv > q ? v : (float) (Math.log1p(Math.exp(bv)) / p);
        }
        break;
      case POW: for (int i = 0; i < n; i++) y[py + i * sy] = pow(x[px + i * sx], p); break;
      case CLAMP:
        for (int i = 0; i < n; i++) {
          float v = x[px + i * sx];
          y[py + i * sy] = Float.isNaN(v) ? v : Math.min(Math.max(v, p), q);
        }
        break;
      case D_CLAMP:
        for (int i = 0; i < n; i++) { float v = x[px + i * sx]; y[py + i * sy] = (v >= p && v <= q) ? 1f : 0f; }
        break;
      case D_LEAKY_RELU: for (int i = 0; i < n; i++) y[py + i * sy] = x[px + i * sx] > 0 ? 1f : p; break;
      case D_GELU_TANH:
        for (int i = 0; i < n; i++) {
          float v = x[px + i * sx];
          float inner = SQRT_2_OVER_PI * (v + GELU_C * v * v * v);
          float t = (float) Math.tanh(inner);
          float dInner = SQRT_2_OVER_PI * (1f + 3f * GELU_C * v * v);
          y[py + i * sy] = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * dInner;
        }
        break;
      case D_GELU_ERF:
        for (int i = 0; i < n; i++) {
          double v = x[px + i * sx];
          double cdf = 0.5 * (1.0 + Erf.erf(v * INV_SQRT_2));
          y[py + i * sy] = (float) (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
        }
        break;
      case D_SOFTPLUS:
        for (int i = 0; i < n; i++) {
          float v = x[px + i * sx], bv = v * p;
          y[py + i * sy] = bv > q ? 1f : sigmoid(bv);
        }
        break;
      case D_SIGMOID_OF_OUTPUT: for (int i = 0; i < n; i++) { float v = x[px + i * sx]; y[py + i * sy] = v * (1f - v); } break;
      case D_TANH_OF_OUTPUT: for (int i = 0; i < n; i++) { float v = x[px + i * sx]; y[py + i * sy] = 1f - v * v; } break;
      case NOT_INTEGRAL:
        for (int i = 0; i < n; i++) {
          float v = x[px + i * sx];
          y[py + i * sy] = (Float.isFinite(v) && v == Math.rint(v)) ? 0f : 1f;
        }
        break;
      case NOT_FINITE: for (int i = 0; i < n; i++) y[py + i * sy] = Float.isFinite(x[px + i * sx]) ? 0f : 1f; break;
      case AFFINE: for (int i = 0; i < n; i++) y[py + i * sy] = x[px + i * sx] * p + q; break;
      default: throw new IllegalStateException("unhandled unary op " + op);
    }
  }

  static float sigmoid(float v) {
    // Two branches keep exp from overflowing for large |v|.
    if (v >= 0) return (float) (1.0 / (1.0 + Math.exp(-v)));
    double e = Math.exp(v);
    return (float) (e / (1.0 + e));
  }

  private static float pow(float x, float p) {
    if (p == 2f) return x * x;
    if (p == 1f) return x;
    if (p == 0.5f) return (float) Math.sqrt(x);
    return (float) Math.pow(x, p);
  }

  static void binaryRow(BinaryOp op, float[] a, int pa, int sa, float[] b, int pb, int sb,
                        float[] c, int pc, int sc, int n) {
    switch (op) {
      case ADD: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] + b[pb + i * sb]; break;
      case SUB: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] - b[pb + i * sb]; break;
      case MUL: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] * b[pb + i * sb]; break;
      case DIV: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] / b[pb + i * sb]; break;
      case MAX:
        for (int i = 0; i < n; i++) {
          float u = a[pa + i * sa], v = b[pb + i * sb];
          c[pc + i * sc] = (Float.isNaN(u) || Float.isNaN(v)) ? Float.NaN : Math.max(u, v);
        }
        break;
      case MIN:
        for (int i = 0; i < n; i++) {
          float u = a[pa + i * sa], v = b[pb + i * sb];
          c[pc + i * sc] = (Float.isNaN(u) || Float.isNaN(v)) ? Float.NaN : Math.min(u, v);
        }
        break;
      case POW: for (int i = 0; i < n; i++) c[pc + i * sc] = (float) Math.pow(a[pa + i * sa], b[pb + i * sb]); break;
      case EQ: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] == b[pb + i * sb] ? 1f : 0f; break;
      case NE: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] != b[pb + i * sb] ? 1f : 0f; break;
      case GT: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] > b[pb + i * sb] ? 1f : 0f; break;
      case GE: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] >= b[pb + i * sb] ? 1f : 0f; break;
      case LT: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] < b[pb + i * sb] ? 1f : 0f; break;
      case LE: for (int i = 0; i < n; i++) c[pc + i * sc] = a[pa + i * sa] <= b[pb + i * sb] ? 1f : 0f; break;
      case GATE: for (int i = 0; i < n; i++) c[pc + i * sc] = b[pb + i * sb] <= 0f ? 0f : a[pa + i * sa]; break;
      default: throw new IllegalStateException("unhandled binary op " + op);
    }
  }

  /** A contiguous row against one value (x - mean, x / std over the last dim), vectorizable. */
  static void binaryScalarRow(BinaryOp op, float[] a, int pa, float b, float[] c, int pc, int n) {
    switch (op) {
      case ADD: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] + b; break;
      case SUB: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] - b; break;
      case MUL: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] * b; break;
      case DIV: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] / b; break;
      default: binaryRow(op, a, pa, 1, new float[] {b}, 0, 0, c, pc, 1, n);
    }
  }

  /** Contiguous fast path: unit strides let the JIT vectorize the common ops. */
  static void binaryContiguous(BinaryOp op, float[] a, int pa, float[] b, int pb, float[] c, int pc, int n) {
    switch (op) {
      case ADD: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] + b[pb + i]; break;
      case SUB: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] - b[pb + i]; break;
      case MUL: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] * b[pb + i]; break;
      case DIV: for (int i = 0; i < n; i++) c[pc + i] = a[pa + i] / b[pb + i]; break;
      default: binaryRow(op, a, pa, 1, b, pb, 1, c, pc, 1, n);
    }
  }

  /** Unit-stride loops for the ops training runs most (optimizer arithmetic, ReLU), so the JIT vectorizes them. */
  private static boolean unaryContiguous(UnaryOp op, float p, float q, float[] x, int px, float[] y, int n) {
    switch (op) {
      case AFFINE: for (int i = 0; i < n; i++) y[i] = x[px + i] * p + q; return true;
      case NEG: for (int i = 0; i < n; i++) y[i] = -x[px + i]; return true;
      case SQUARE: for (int i = 0; i < n; i++) { float v = x[px + i]; y[i] = v * v; } return true;
      case SQRT: for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(x[px + i]); return true;
      case RELU: for (int i = 0; i < n; i++) y[i] = Math.max(x[px + i], 0f); return true;
      case D_LEAKY_RELU: for (int i = 0; i < n; i++) y[i] = x[px + i] > 0 ? 1f : p; return true;
      case POW:
        if (p == 2f) {
          for (int i = 0; i < n; i++) { float v = x[px + i]; y[i] = v * v; }
          return true;
        }
        return false;
      default: return false;
    }
  }

  /** out[0..n) = op(x[px..px+n)) in plain Java: the unit-stride loop where there is one, else the general row. */
  private static void unaryScalar(UnaryOp op, float p, float q, float[] x, int px, float[] out, int n) {
    if (!unaryContiguous(op, p, q, x, px, out, n)) unaryRow(op, p, q, x, px, 1, out, 0, 1, n);
  }

  static NdArray unaryStrided(UnaryOp op, NdArray x, float p, float q) {
    float[] out = new float[x.size()];
    if (x.isContiguous()) {
      unaryScalar(op, p, q, x.data(), x.offset(), out, x.size());
      return x.withData(out);
    } else {
      int[] shape = x.shape();
      float[] xd = x.data();
      StridedLoop.run(shape, x.offset(), x.strides(), 0, null, 0, dev.backflow.backend.Shapes.contiguousStrides(shape),
          (pa, sa, pb, sb, pc, sc, n) -> unaryRow(op, p, q, xd, pa, sa, out, pc, sc, n));
    }
    return NdArray.wrapOwned(out, x.shape());
  }

  /**
   * Copies a view whose innermost dim is strided but some other dim d has stride 1 (a transposed or
   * permuted matrix) into contiguous {@code out}, in square tiles: walking the view in order would touch a
   * new cache line per element. Returns false, doing nothing, for other layouts.
   */
  static boolean transposedCopy(NdArray x, float[] out) {
    int rank = x.rank(), last = rank - 1;
    if (rank < 2 || x.stride(last) == 1 || x.size() < 256) return false;
    int d = -1;
    for (int i = 0; i < last; i++) if (x.stride(i) == 1 && x.shape(i) > 1) d = i;
    if (d < 0) return false;
    int[] shape = x.shape(), outStrides = Shapes.contiguousStrides(shape);
    int rows = shape[d], cols = shape[last], sCol = x.stride(last), sRow = outStrides[d];
    // Every other dim is walked by the strided loop with d and the last dim collapsed to 1.
    int[] outer = shape.clone();
    outer[d] = 1;
    outer[last] = 1;
    float[] xd = x.data();
    final int tile = 16;
    StridedLoop.run(outer, x.offset(), x.strides(), 0, null, 0, outStrides, (pa, sa, pb, sb, pc, sc, n) -> {
      for (int i0 = 0; i0 < rows; i0 += tile) {
        int i1 = Math.min(rows, i0 + tile);
        for (int j0 = 0; j0 < cols; j0 += tile) {
          int j1 = Math.min(cols, j0 + tile);
          for (int i = i0; i < i1; i++) {
            int o = pc + i * sRow, src = pa + i;
            for (int j = j0; j < j1; j++) out[o + j] = xd[src + j * sCol];
          }
        }
      }
    });
    return true;
  }

  @Override
  public NdArray unary(UnaryOp op, NdArray x, float p, float q) {
    // Every contiguous size goes to the fused form first (its tail is one padded vector): so an element's value does
    // not depend on its tensor's size, and a small network's activations (XOR's 4 x 2) skip the strided loop.
    if (x.isContiguous()) {
      float[] out = BufferPool.take(x.size()); // every element is written
      float[] xd = x.data();
      int xo = x.offset();
      if (fused.unary(op, xd, xo, out, 0, Math.min(out.length, Parallel.CHUNK), p)) {
        // The first chunk ran here (and told us the op has a fused form); the rest split across cores.
        if (out.length > Parallel.CHUNK) Parallel.splitRange(Parallel.CHUNK, out.length, (from, to) -> fused.unary(op, xd, xo + from, out, from, to - from, p));
      } else {
        unaryScalar(op, p, q, xd, xo, out, out.length);
      }
      return x.withData(out);
    }
    return unaryStrided(op, x, p, q);
  }

  @Override
  public NdArray mulUnary(NdArray g, UnaryOp op, NdArray x, float p, float q) {
    if (!g.isContiguous() || !x.isContiguous() || !g.sameShape(x)) return binary(BinaryOp.MUL, g, unary(op, x, p, q));
    float[] out = BufferPool.take(x.size()), xd = x.data(), gd = g.data(); // every element is written
    int xo = x.offset(), go = g.offset();
    if (out.length < 64) {
      // As unary() does: the fused form, else the scalar one, then the product, in one buffer.
      if (!fused.unary(op, xd, xo, out, 0, out.length, p)) unaryScalar(op, p, q, xd, xo, out, out.length);
      binaryContiguous(BinaryOp.MUL, out, 0, gd, go, out, 0, out.length);
      return x.withData(out);
    }
    // Blocks small enough that op(x) is still in L1 when it is multiplied by g: one pass over memory.
    Parallel.splitRange(0, out.length, (from, to) -> {
      for (int s = from; s < to; s += 4096) {
        int n = Math.min(4096, to - s);
        if (!fused.unary(op, xd, xo + s, out, s, n, p)) {
          NdArray part = unaryStrided(op, new NdArray(xd, xo + s, new int[] {n}, new int[] {1}), p, q);
          System.arraycopy(part.data(), 0, out, s, n);
        }
        binaryContiguous(BinaryOp.MUL, out, s, gd, go + s, out, s, n);
      }
    });
    return x.withData(out);
  }

  @Override
  public NdArray binary(BinaryOp op, NdArray a, NdArray b) {
    if (a.isContiguous() && b.isContiguous() && a.sameShape(b)) {
      // The common case first, with no shape arithmetic: same-shaped dense operands.
      float[] out = BufferPool.take(a.size()), ad = a.data(), bd = b.data(); // every element is written
      int ao = a.offset(), bo = b.offset();
      if (out.length < Parallel.CHUNK) {
        // One chunk: run here, with no task object (small tensors pay per call, not per element).
        if (!fused.binary(op, ad, ao, bd, bo, out, 0, out.length)) binaryContiguous(op, ad, ao, bd, bo, out, 0, out.length);
        return a.withData(out);
      }
      Parallel.splitRange(0, out.length, (from, to) -> {
        if (!fused.binary(op, ad, ao + from, bd, bo + from, out, from, to - from)) {
          binaryContiguous(op, ad, ao + from, bd, bo + from, out, from, to - from);
        }
      });
      return a.withData(out);
    }
    int[] shape = a.broadcastShape(b), bShape = b.shape();
    assert shape != null : "binary: the op checks that shapes broadcast";
    float[] out = BufferPool.take(Shapes.numel(shape)); // every element is written, on every path below
    float[] ad = a.data(), bd = b.data();
    if (a.isContiguous() && b.isContiguous() && a.hasShape(shape) && isTrailing(bShape, shape)) {
      // x + bias: b repeats along the leading dims; run row by row with unit strides.
      int row = b.size();
      for (int start = 0; start < out.length; start += row) {
        binaryContiguous(op, ad, a.offset() + start, bd, b.offset(), out, start, row);
      }
    } else if (a.isContiguous() && b.isContiguous() && a.hasShape(shape) && trailingBlock(bShape, shape) > 1) {
      // x - mean(x, -1, keepDim), conv output + bias[1, C, 1, 1]: one value of b per contiguous block of a.
      int block = trailingBlock(bShape, shape), bn = b.size();
      for (int r = 0, start = 0; start < out.length; r++, start += block) {
        binaryScalarRow(op, ad, a.offset() + start, bd[b.offset() + r % bn], out, start, block);
      }
    } else if (b.isContiguous() && b.hasShape(shape) && readsOneValue(a)) {
      // g * y where g is a broadcast scalar (the gradient of a sum): one value against a dense run.
      binaryRow(op, ad, a.offset(), 0, bd, b.offset(), 1, out, 0, 1, out.length);
    } else if (a.isContiguous() && a.hasShape(shape) && readsOneValue(b)) {
      binaryRow(op, ad, a.offset(), 1, bd, b.offset(), 0, out, 0, 1, out.length);
    } else {
      NdArray ea = a.expand(shape), eb = b.expand(shape);
      StridedLoop.run(shape, ea.offset(), ea.strides(), eb.offset(), eb.strides(), 0, Shapes.contiguousStrides(shape),
          (pa, sa, pb, sb, pc, sc, n) -> binaryRow(op, ad, pa, sa, bd, pb, sb, out, pc, sc, n));
    }
    return NdArray.wrapOwned(out, shape);
  }

  /** True when every element of x is the same stored value: each dim has size 1 or stride 0 (an expanded scalar). */
  private static boolean readsOneValue(NdArray x) {
    for (int d = 0, r = x.rank(); d < r; d++) if (x.stride(d) != 0 && x.shape(d) != 1) return false;
    return true;
  }

  /**
   * When {@code b}, right-aligned to {@code shape}, is 1 on some leading dims, equal to shape on the middle
   * ones and 1 on the trailing ones, each value of b covers a contiguous block of the result: returns the
   * block's length (the product of the trailing dims), or -1 for other patterns.
   */
  private static int trailingBlock(int[] b, int[] shape) {
    int lead = shape.length - b.length;
    if (lead < 0) return -1;
    int last = shape.length - 1;
    while (last >= 0 && (last < lead || b[last - lead] == 1)) last--;
    if (last < 0) return -1;
    int block = 1;
    for (int d = last + 1; d < shape.length; d++) block *= shape[d];
    int first = last;
    while (first >= lead && b[first - lead] != 1) {
      if (b[first - lead] != shape[first]) return -1;
      first--;
    }
    for (int d = first; d >= lead; d--) if (b[d - lead] != 1) return -1;
    return block;
  }

  /** True when {@code small} (ignoring leading 1s) equals the last dims of {@code shape}. */
  private static boolean isTrailing(int[] small, int[] shape) {
    int lead = 0;
    while (lead < small.length && small[lead] == 1) lead++;
    int n = small.length - lead;
    if (n == 0 || n > shape.length) return false;
    for (int i = 0; i < n; i++) if (small[lead + i] != shape[shape.length - n + i]) return false;
    return true;
  }

  @Override
  public void binaryInPlace(BinaryOp op, NdArray target, NdArray b) {
    NdArray eb = b.expand(target.shape());
    float[] td = target.data(), bd = eb.data();
    if (target.isContiguous() && eb.isContiguous()) {
      binaryContiguous(op, td, target.offset(), bd, eb.offset(), td, target.offset(), target.size());
      return;
    }
    StridedLoop.run(target.shape(), target.offset(), target.strides(), eb.offset(), eb.strides(),
        target.offset(), target.strides(),
        (pa, sa, pb, sb, pc, sc, n) -> binaryRow(op, td, pa, sa, bd, pb, sb, td, pc, sc, n));
  }

  @Override
  public void addScaledInPlace(NdArray target, NdArray b, float alpha) {
    if (!target.isContiguous() || !b.isContiguous() || !b.sameShape(target)) {
      ElementwiseKernels.super.addScaledInPlace(target, b, alpha);
      return;
    }
    float[] td = target.data(), bd = b.data();
    int to = target.offset(), bo = b.offset();
    for (int i = 0, n = target.size(); i < n; i++) td[to + i] += bd[bo + i] * alpha;
  }

  @Override
  public NdArray where(NdArray cond, NdArray a, NdArray b) {
    int[] ab = Shapes.tryBroadcast(a.shape(), b.shape());
    int[] shape = ab == null ? null : Shapes.tryBroadcast(cond.shape(), ab);
    assert shape != null : "where: the op checks that shapes broadcast";
    NdArray ec = Storage.dense(cond.expand(shape));
    NdArray ea = a.expand(shape), eb = b.expand(shape);
    float[] out = new float[Shapes.numel(shape)];
    float[] cd = ec.data(), ad = ea.data(), bd = eb.data();
    int co = ec.offset();
    int[] outStrides = Shapes.contiguousStrides(shape);
    // cond is contiguous and shaped like out, so the output position doubles as its index.
    StridedLoop.run(shape, ea.offset(), ea.strides(), eb.offset(), eb.strides(), 0, outStrides,
        (pa, sa, pb, sb, pc, sc, n) -> {
          for (int i = 0; i < n; i++) {
            out[pc + i * sc] = cd[co + pc + i * sc] != 0f ? ad[pa + i * sa] : bd[pb + i * sb];
          }
        });
    return NdArray.wrap(out, shape);
  }
}
