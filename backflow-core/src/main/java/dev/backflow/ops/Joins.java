package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.backend.NdArray;
import dev.backflow.tensor.DType;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Ops that assemble one tensor from pieces: cat, stack, pad, and the slice-embedding they share. */
public final class Joins {
  private Joins() {}

  private static Backend b() {
    return Backends.current();
  }

  /**
   * Concatenates tensors along an existing dimension; like {@code torch.cat(ts, dim)}. All-int64 pieces give an int64
   * result; any float piece makes the result float, as PyTorch promotes. Each piece's gradient is its slice of the
   * output's gradient.
   *
   * @param dim the dimension to join along; negative values count from the end
   * @param ts the tensors, equal in shape except along {@code dim}
   * @return a new tensor whose size along {@code dim} is the sum of the pieces'
   * @throws IllegalArgumentException if no tensor is given, a tensor is zero-dimensional, the shapes differ outside
   *     {@code dim}, or {@code dim} is out of range
   */
  // the gradient of each piece is its slice of the output gradient
  public static Tensor cat(int dim, Tensor... ts) {
    if (ts.length == 0) throw new IllegalArgumentException("cat: expected at least one tensor");
    Tensor first = ts[0];
    if (first.dim() == 0) throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated");
    int d = Checks.dim("cat", first, dim);
    int[] shape = first.shape();
    int total = 0;
    for (int i = 0; i < ts.length; i++) {
      int[] s = ts[i].shape();
      boolean ok = s.length == shape.length;
      for (int k = 0; ok && k < s.length; k++) ok = k == d || s[k] == shape[k];
      if (!ok) {
        throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Arrays.toString(s)
            + ", which does not match " + Arrays.toString(shape) + " except in dimension " + d);
      }
      total += s[d];
    }
    int[] outShape = Views.shapeWith(shape, d, total);
    // int64 pieces join into an int64 result; with any float piece the result is float, as PyTorch promotes
    boolean integral = Arrays.stream(ts).allMatch(t -> t.dtype() == DType.INT64);
    NdArray out = integral ? b().storage().fullInt64(outShape, 0) : b().storage().full(outShape, 0f);
    int[] starts = new int[ts.length];
    int at = 0;
    for (int i = 0; i < ts.length; i++) {
      starts[i] = at;
      int len = ts[i].shape(d);
      b().storage().copyInto(Graph.storage(ts[i]), out.slice(d, at, len, 1));
      at += len;
    }
    return Graph.record("cat", out, (g, n) -> {
      Tensor[] grads = new Tensor[ts.length];
      for (int i = 0; i < ts.length; i++) if (n[i]) grads[i] = g.narrow(d, starts[i], ts[i].shape(d));
      return grads;
    }, ts);
  }

  /**
   * Joins equal-shaped tensors along a new dimension; like {@code torch.stack(ts, dim)}.
   *
   * @param dim the position of the new dimension in the result, from {@code -(rank + 1)} to {@code rank}
   * @param ts the tensors, all of the same shape
   * @return a new tensor with one more dimension, of size {@code ts.length} at {@code dim}
   * @throws IllegalArgumentException if no tensor is given, the shapes differ, or {@code dim} is out of range
   */
  public static Tensor stack(int dim, Tensor... ts) {
    if (ts.length == 0) throw new IllegalArgumentException("stack: expected at least one tensor");
    int rank = ts[0].dim() + 1;
    int d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= rank) {
      throw new IllegalArgumentException("stack: dimension " + dim + " is out of range for a result of " + rank + " dimensions");
    }
    Tensor[] expanded = new Tensor[ts.length];
    for (int i = 0; i < ts.length; i++) {
      if (!Arrays.equals(ts[i].shape(), ts[0].shape())) {
        throw new IllegalArgumentException("stack: all tensors must have the same shape, but tensor 0 is "
            + Arrays.toString(ts[0].shape()) + " and tensor " + i + " is " + Arrays.toString(ts[i].shape()));
      }
      expanded[i] = ts[i].unsqueeze(d);
    }
    return cat(d, expanded);
  }

  /**
   * Pads the last dimensions with a constant; like {@code torch.nn.functional.pad(x, pads, value=value)}. The pairs
   * start from the last dimension: {@code {left, right}} pads the last, {@code {left, right, top, bottom}} the last two.
   *
   * @param x input of any shape
   * @param pads (before, after) pairs, last dimension first, each at least 0
   * @param value the fill value
   * @return a new tensor, larger by {@code before + after} in each padded dimension
   * @throws IllegalArgumentException if {@code pads} has an odd length, more pairs than {@code x} has dimensions, or a
   *     negative entry
   */
  // F.pad with a constant; the gradient is the un-padded window of the output gradient
  public static Tensor pad(Tensor x, int[] pads, float value) {
    if (pads.length % 2 != 0 || pads.length / 2 > x.dim()) {
      throw new IllegalArgumentException("pad: expected (before, after) pairs for at most " + x.dim()
          + " dims, got " + Arrays.toString(pads));
    }
    int[] shape = x.shape();
    int[] outShape = shape.clone();
    for (int i = 0; i < pads.length / 2; i++) {
      int d = shape.length - 1 - i;
      Checks.nonNegative("pad", "padding", pads[2 * i]);
      Checks.nonNegative("pad", "padding", pads[2 * i + 1]);
      outShape[d] = shape[d] + pads[2 * i] + pads[2 * i + 1];
    }
    NdArray out = b().storage().full(outShape, value);
    b().storage().copyInto(Graph.array(x), window(out, shape, pads));
    return Graph.record("pad", out, (g, n) -> {
      Tensor w = g;
      for (int i = 0; i < pads.length / 2; i++) {
        int d = shape.length - 1 - i;
        w = w.narrow(d, pads[2 * i], shape[d]);
      }
      return new Tensor[] {w};
    }, x);
  }

  private static NdArray window(NdArray out, int[] inner, int[] pads) {
    NdArray w = out;
    for (int i = 0; i < pads.length / 2; i++) {
      int d = inner.length - 1 - i;
      w = w.slice(d, pads[2 * i], inner[d], 1);
    }
    return w;
  }

  /**
   * Zeros of {@code shape} with {@code g} written at positions start, start+step, ... of dim: the
   * backward of slicing. Differentiable itself (its gradient is the slice again).
   */
  static Tensor embed(Tensor g, int[] shape, int dim, int start, int step) {
    NdArray out = b().storage().full(shape, 0f);
    int len = g.shape(dim);
    b().storage().copyInto(Graph.array(g), out.slice(dim, start, len, step));
    return Graph.record("embed", out,
        (gg, n) -> new Tensor[] {gg.slice(dim, start, start + (len - 1) * step + 1, step)}, g);
  }
}
