package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.autograd.BackwardFn;
import dev.backflow.backend.Backend;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Backends;
import dev.backflow.backend.Conv2dSpec;
import dev.backflow.backend.Pool2dSpec;
import dev.backflow.backend.PoolResult;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** 2-D convolution and pooling over NCHW tensors, with PyTorch's argument conventions. */
public final class Convolutions {
  private Convolutions() {}

  private static Backend b() {
    return Backends.current();
  }

  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias) {
    return conv2d(x, w, bias, 1, 0, 1, 1);
  }

  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
    return conv2d(x, w, bias, new Conv2dSpec(stride, stride, padding, padding, dilation, dilation, groups));
  }

  // dL/dx is the transposed convolution of G with W; dL/dW correlates G with x; dL/db sums G
  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec) {
    Checks.rank("conv2d", "input", x, 4);
    Checks.rank("conv2d", "weight", w, 4);
    Checks.positive("conv2d", "stride", Math.min(spec.strideH(), spec.strideW()));
    Checks.positive("conv2d", "dilation", Math.min(spec.dilationH(), spec.dilationW()));
    Checks.positive("conv2d", "groups", spec.groups());
    Checks.nonNegative("conv2d", "padding", Math.min(spec.padH(), spec.padW()));
    int[] xs = x.shape(), ws = w.shape();
    int groups = spec.groups();
    if (ws[0] % groups != 0 || xs[1] != ws[1] * groups) {
      throw new IllegalArgumentException("conv2d: input " + Arrays.toString(xs) + " has " + xs[1] + " channels but weight "
          + Arrays.toString(ws) + " expects " + ws[1] + " x " + groups + " groups = " + (ws[1] * groups)
          + (ws[0] % groups != 0 ? " (and " + ws[0] + " output channels are not divisible by " + groups + " groups)" : ""));
    }
    long spanH = (long) spec.dilationH() * (ws[2] - 1) + 1, spanW = (long) spec.dilationW() * (ws[3] - 1) + 1;
    if (ws[2] < 1 || ws[3] < 1 || xs[2] + 2L * spec.padH() < spanH || xs[3] + 2L * spec.padW() < spanW) {
      throw new IllegalArgumentException("conv2d: kernel " + ws[2] + "x" + ws[3] + " (dilation " + spec.dilationH()
          + ") is larger than the padded input " + (xs[2] + 2 * spec.padH()) + "x" + (xs[3] + 2 * spec.padW()));
    }
    if (bias != null && (bias.dim() != 1 || bias.shape(0) != ws[0])) {
      throw new IllegalArgumentException("conv2d: bias must have shape [" + ws[0] + "], got " + Arrays.toString(bias.shape()));
    }
    // The bias is added inside the kernel, per output plane while it is in cache; its gradient sums G over N, H, W.
    NdArray value = b().convolution().conv2d(Graph.array(x), Graph.array(w), bias == null ? null : Graph.array(bias), spec);
    BackwardFn back = (g, n) -> new Tensor[] {
        n[0] ? Graph.constant(b().convolution().conv2dBackwardInput(Graph.array(g), Graph.array(w), xs, spec)) : null,
        n[1] ? Graph.constant(b().convolution().conv2dBackwardWeight(Graph.array(g), Graph.array(x), ws, spec)) : null,
        n.length > 2 && n[2] ? g.sum(new int[] {0, 2, 3}, false) : null};
    return bias == null ? Graph.record("conv2d", value, back, x, w) : Graph.record("conv2d", value, back, x, w, bias);
  }

  public static Tensor maxPool2d(Tensor x, int kernel) {
    return maxPool2d(x, kernel, kernel, 0, 1);
  }

  // the gradient goes to the element that was the maximum of each window
  public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
    Pool2dSpec spec = poolSpec("maxPool2d", x, kernel, stride, padding, dilation, true);
    PoolResult r = b().pooling().maxPool2d(Graph.array(x), spec);
    int[] xs = x.shape();
    return Graph.record("maxPool2d", r.values(),
        (g, n) -> new Tensor[] {Graph.constant(b().pooling().maxPool2dBackward(Graph.array(g), r.argmax(), xs))}, x);
  }

  public static Tensor avgPool2d(Tensor x, int kernel) {
    return avgPool2d(x, kernel, kernel, 0, true);
  }

  // each input element receives the window-averaged gradient of every window that covers it
  public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
    Pool2dSpec spec = poolSpec("avgPool2d", x, kernel, stride, padding, 1, countIncludePad);
    int[] xs = x.shape();
    return Graph.record("avgPool2d", b().pooling().avgPool2d(Graph.array(x), spec),
        (g, n) -> new Tensor[] {Graph.constant(b().pooling().avgPool2dBackward(Graph.array(g), xs, spec))}, x);
  }

  private static Pool2dSpec poolSpec(String op, Tensor x, int kernel, int stride, int padding, int dilation,
                                     boolean countIncludePad) {
    Checks.rank(op, "input", x, 4);
    Checks.positive(op, "kernel size", kernel);
    Checks.positive(op, "stride", stride);
    Checks.positive(op, "dilation", dilation);
    Checks.nonNegative(op, "padding", padding);
    if (padding > kernel / 2) {
      throw new IllegalArgumentException(op + ": padding " + padding + " should be at most half the kernel size " + kernel);
    }
    Pool2dSpec spec = new Pool2dSpec(kernel, kernel, stride, stride, padding, padding, dilation, dilation, countIncludePad);
    int[] xs = x.shape();
    if (spec.outH(xs[2]) <= 0 || spec.outW(xs[3]) <= 0) {
      throw new IllegalArgumentException(op + ": kernel " + kernel + " is larger than the padded input "
          + (xs[2] + 2 * padding) + "x" + (xs[3] + 2 * padding) + " of shape " + Arrays.toString(xs));
    }
    return spec;
  }
}
