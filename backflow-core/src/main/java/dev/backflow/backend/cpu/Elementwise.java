package dev.backflow.backend.cpu;

import dev.backflow.backend.BinaryOp;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Shapes;
import dev.backflow.backend.UnaryOp;

/** Row kernels for element-wise maps: one switch per row, then a tight loop. */
final class Elementwise {
  private Elementwise() {}

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

  static NdArray unary(UnaryOp op, NdArray x, float p, float q) {
    float[] out = new float[x.size()];
    if (x.isContiguous()) {
      if (!unaryContiguous(op, p, q, x.data(), x.offset(), out, x.size())) {
        unaryRow(op, p, q, x.data(), x.offset(), 1, out, 0, 1, x.size());
      }
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
}
