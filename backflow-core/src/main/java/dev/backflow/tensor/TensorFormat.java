package dev.backflow.tensor;

import java.util.Arrays;
import java.util.Locale;

/** Prints tensors the way PyTorch does: 4 decimals (or scientific), aligned, summarized when large. */
final class TensorFormat {
  private static final int SUMMARIZE_ABOVE = 1000, EDGE = 3;

  private TensorFormat() {}

  static String format(Tensor t) {
    if (t.dtype() == DType.INT64) return formatIntegers(t);
    float[] v = t.toArray();
    int[] shape = t.shape();
    boolean summarize = v.length > SUMMARIZE_ABOVE;
    boolean sci = false, integral = true;
    double maxAbs = 0, minAbs = Double.MAX_VALUE;
    for (float x : v) {
      if (!Float.isFinite(x)) continue;
      double a = Math.abs(x);
      maxAbs = Math.max(maxAbs, a);
      if (a > 0) minAbs = Math.min(minAbs, a);
      if (x != Math.rint(x)) integral = false;
    }
    if (maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs > 0) || (minAbs != Double.MAX_VALUE && maxAbs / minAbs > 1000 && !integral)) {
      sci = true;
    }
    String[] cells = new String[v.length];
    int width = 0;
    for (int i = 0; i < v.length; i++) {
      cells[i] = number(v[i], sci, integral);
      // as PyTorch, only finite values set the column width; nan and inf are printed unpadded if wider
      if (Float.isFinite(v[i])) width = Math.max(width, cells[i].length());
    }
    StringBuilder sb = new StringBuilder("tensor(");
    if (shape.length == 0) sb.append(cells[0]);
    else appendCells(sb, cells, shape, 0, 0, width, summarize, "tensor(".length());
    sb.append(", shape=").append(Arrays.toString(shape));
    if (t.gradFn() != null) sb.append(", grad_fn=<").append(t.gradFn().name()).append('>');
    else if (t.requiresGrad()) sb.append(", requires_grad=True");
    return sb.append(')').toString();
  }

  // as PyTorch prints torch.long: plain integers, no decimal point, no dtype (int64 is the default integer type)
  private static String formatIntegers(Tensor t) {
    long[] v = t.toLongArray();
    int[] shape = t.shape();
    String[] cells = new String[v.length];
    int width = 0;
    for (int i = 0; i < v.length; i++) width = Math.max(width, (cells[i] = Long.toString(v[i])).length());
    StringBuilder sb = new StringBuilder("tensor(");
    if (shape.length == 0) sb.append(cells[0]);
    else appendCells(sb, cells, shape, 0, 0, width, v.length > SUMMARIZE_ABOVE, "tensor(".length());
    return sb.append(", shape=").append(Arrays.toString(shape)).append(", dtype=int64)").toString();
  }

  /** Nested rows of already formatted cells, right-aligned to {@code width}, summarized past 2 x EDGE. */
  private static void appendCells(StringBuilder sb, String[] v, int[] shape, int dim, int pos, int width,
                                  boolean summarize, int indent) {
    sb.append('[');
    int n = shape[dim];
    int block = 1;
    for (int d = dim + 1; d < shape.length; d++) block *= shape[d];
    for (int i = 0; i < n; i++) {
      if (summarize && n > 2 * EDGE && i == EDGE) {
        sb.append(dim == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(indent + dim + 1));
        i = n - EDGE;
      }
      if (dim == shape.length - 1) sb.append(" ".repeat(Math.max(0, width - v[pos + i].length()))).append(v[pos + i]);
      else appendCells(sb, v, shape, dim + 1, pos + i * block, width, summarize, indent);
      if (i < n - 1) {
        if (dim == shape.length - 1) sb.append(", ");
        else sb.append(",").append("\n".repeat(shape.length - dim - 1)).append(" ".repeat(indent + dim + 1));
      }
    }
    sb.append(']');
  }

  private static String number(float x, boolean sci, boolean whole) {
    if (Float.isNaN(x)) return "nan";
    if (Float.isInfinite(x)) return x > 0 ? "inf" : "-inf";
    if (sci) return String.format(Locale.ROOT, "%.4e", x);
    if (whole) return String.format(Locale.ROOT, "%.0f.", x);
    return String.format(Locale.ROOT, "%.4f", x);
  }
}
