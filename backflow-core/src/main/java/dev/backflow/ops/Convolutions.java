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

  /**
   * 2-D convolution with stride 1, no padding, no dilation and one group; like
   * {@code torch.nn.functional.conv2d(x, w, bias)}. (Strictly a cross-correlation, as in PyTorch.)
   *
   * @param x input {@code [N, C_in, H, W]}
   * @param w kernels {@code [C_out, C_in, kH, kW]}
   * @param bias per-output-channel bias {@code [C_out]}, or null for none
   * @return the output {@code [N, C_out, H - kH + 1, W - kW + 1]}
   * @throws IllegalArgumentException if the shapes do not fit (the message names the mismatched dimension)
   */
  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias) {
    return conv2d(x, w, bias, 1, 0, 1, 1);
  }

  /**
   * 2-D convolution with the same stride, zero padding and dilation on both axes; like
   * {@code torch.nn.functional.conv2d(x, w, bias, stride, padding, dilation, groups)}. The output size per axis is
   * {@code (size + 2·padding - dilation·(k - 1) - 1) / stride + 1}.
   *
   * @param x input {@code [N, C_in, H, W]}
   * @param w kernels {@code [C_out, C_in / groups, kH, kW]}
   * @param bias per-output-channel bias {@code [C_out]}, or null for none
   * @param stride step between windows, at least 1
   * @param padding zeros added on each side of both spatial axes, at least 0
   * @param dilation spacing between kernel taps, at least 1
   * @param groups number of blocked connections from input to output channels; must divide {@code C_out} and
   *     {@code C_in}; {@code groups == C_in} gives a depthwise convolution
   * @return the output {@code [N, C_out, H_out, W_out]}
   * @throws IllegalArgumentException if a setting is out of range or the shapes do not fit
   */
  public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
    return conv2d(x, w, bias, new Conv2dSpec(stride, stride, padding, padding, dilation, dilation, groups));
  }

  /**
   * 2-D convolution with separate settings per axis (a {@link Conv2dSpec}); like
   * {@code torch.nn.functional.conv2d} with tuple arguments.
   *
   * @param x input {@code [N, C_in, H, W]}
   * @param w kernels {@code [C_out, C_in / groups, kH, kW]}
   * @param bias per-output-channel bias {@code [C_out]}, or null for none
   * @param spec stride, padding and dilation per axis, and the number of groups
   * @return the output {@code [N, C_out, H_out, W_out]}
   * @throws IllegalArgumentException if a setting is out of range, the input's channels do not match the weight's,
   *     the kernel is larger than the padded input, or the bias is not {@code [C_out]}
   */
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
    if (ws[0] % groups != 0) {
      throw new IllegalArgumentException("conv2d: weight " + Arrays.toString(ws) + " has " + ws[0] + " output channels, which "
          + groups + " groups cannot split evenly; use a number of output channels divisible by " + groups);
    }
    int inChannels = ws[1] * groups;
    if (xs[1] != inChannels) {
      // the weight's dim 1 is in_channels / groups, so say the layer's in_channels, not the factors
      String expects = groups == 1 ? inChannels + "" : inChannels + " (" + ws[1] + " per group x " + groups + " groups)";
      String layout = xs[3] == inChannels && xs[1] != xs[3]
          ? "; the input looks channels-last, but conv2d takes [N, C, H, W]: permute(0, 3, 1, 2) first" : "";
      throw new IllegalArgumentException("conv2d: input " + Arrays.toString(xs) + " has " + xs[1] + " channels (dim 1) but weight "
          + Arrays.toString(ws) + " expects " + expects + layout + "; a Conv2d's inChannels must equal the input's dim 1 (Conv2d("
          + xs[1] + ", " + ws[0] + ", ...) for this input)");
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
        n[0] ? inputGrad(g, w, xs, spec) : null,
        n[1] ? weightGrad(g, x, ws, spec) : null,
        n.length > 2 && n[2] ? g.sum(new int[] {0, 2, 3}, false) : null};
    return bias == null ? Graph.record("conv2d", value, back, x, w) : Graph.record("conv2d", value, back, x, w, bias);
  }

  // The two gradient kernels as ops, so that a gradient of a gradient exists. Both are bilinear, and since
  // <conv(x, W), G> = <x, dX(G, W)> = <dW(G, x), W>, each one's derivative is one of the other two:
  // dX(G, W) contracted with GG (x's shape): in G, conv(GG, W); in W, dW(G, GG).
  private static Tensor inputGrad(Tensor g, Tensor w, int[] xs, Conv2dSpec spec) {
    int[] ws = w.shape();
    return Graph.record("conv2dBackwardInput", b().convolution().conv2dBackwardInput(Graph.array(g), Graph.array(w), xs, spec),
        (gg, n) -> new Tensor[] {
            n[0] ? convolve(gg, w, spec) : null,
            n[1] ? weightGrad(g, gg, ws, spec) : null}, g, w);
  }

  // dW(G, x) contracted with GG (W's shape): in G, conv(x, GG); in x, dX(G, GG).
  private static Tensor weightGrad(Tensor g, Tensor x, int[] ws, Conv2dSpec spec) {
    int[] xs = x.shape();
    return Graph.record("conv2dBackwardWeight", b().convolution().conv2dBackwardWeight(Graph.array(g), Graph.array(x), ws, spec),
        (gg, n) -> new Tensor[] {
            n[0] ? convolve(x, gg, spec) : null,
            n[1] ? inputGrad(g, gg, xs, spec) : null}, g, x);
  }

  // conv2d without bias or argument checks (shapes come from a convolution already checked)
  private static Tensor convolve(Tensor x, Tensor w, Conv2dSpec spec) {
    int[] xs = x.shape(), ws = w.shape();
    return Graph.record("conv2d", b().convolution().conv2d(Graph.array(x), Graph.array(w), null, spec), (g, n) -> new Tensor[] {
        n[0] ? inputGrad(g, w, xs, spec) : null,
        n[1] ? weightGrad(g, x, ws, spec) : null}, x, w);
  }

  /**
   * 2-D max pooling over non-overlapping square windows (stride = kernel); like
   * {@code torch.nn.functional.max_pool2d(x, kernel)}.
   *
   * @param x input {@code [N, C, H, W]}
   * @param kernel the window's side, at least 1
   * @return the output {@code [N, C, H / kernel, W / kernel]} (rounded down)
   * @throws IllegalArgumentException if {@code x} is not four-dimensional or the window is larger than the input
   */
  public static Tensor maxPool2d(Tensor x, int kernel) {
    return maxPool2d(x, kernel, kernel, 0, 1);
  }

  /**
   * 2-D max pooling; like {@code torch.nn.functional.max_pool2d(x, kernel, stride, padding, dilation)}. The gradient
   * goes to the element that was each window's maximum; padding never wins.
   *
   * @param x input {@code [N, C, H, W]}
   * @param kernel the window's side, at least 1
   * @param stride step between windows, at least 1
   * @param padding implicit negative-infinity padding on each side, at most {@code kernel / 2}
   * @param dilation spacing between window taps, at least 1
   * @return the output {@code [N, C, H_out, W_out]}
   * @throws IllegalArgumentException if a setting is out of range, {@code x} is not four-dimensional, or the window is
   *     larger than the padded input
   */
  // the gradient goes to the element that was the maximum of each window
  public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
    Pool2dSpec spec = poolSpec("maxPool2d", x, kernel, stride, padding, dilation, true);
    PoolResult r = b().pooling().maxPool2d(Graph.array(x), spec);
    int[] xs = x.shape();
    return Graph.record("maxPool2d", r.values(), (g, n) -> new Tensor[] {maxPoolGrad(g, r.argmax(), xs)}, x);
  }

  // Scatters g to the window maxima; linear in g, so its own gradient gathers gg back from those positions
  // (and the second derivative in x is 0 almost everywhere).
  private static Tensor maxPoolGrad(Tensor g, int[] argmax, int[] xs) {
    return Graph.record("maxPool2dBackward", b().pooling().maxPool2dBackward(Graph.array(g), argmax, xs), (gg, n) -> {
      float[] at = new float[argmax.length], keep = new float[argmax.length];
      boolean padOnly = false;
      for (int i = 0; i < argmax.length; i++) {
        at[i] = Math.max(argmax[i], 0);
        keep[i] = argmax[i] >= 0 ? 1f : 0f;
        padOnly |= argmax[i] < 0;
      }
      Tensor picked = gg.reshape(-1).gather(0, Tensor.of(at)).reshape(g.shape());
      return new Tensor[] {padOnly ? picked.mul(Tensor.of(keep, g.shape())) : picked};
    }, g);
  }

  /**
   * 2-D average pooling over non-overlapping square windows (stride = kernel); like
   * {@code torch.nn.functional.avg_pool2d(x, kernel)}.
   *
   * @param x input {@code [N, C, H, W]}
   * @param kernel the window's side, at least 1
   * @return the output {@code [N, C, H / kernel, W / kernel]} (rounded down)
   * @throws IllegalArgumentException if {@code x} is not four-dimensional or the window is larger than the input
   */
  public static Tensor avgPool2d(Tensor x, int kernel) {
    return avgPool2d(x, kernel, kernel, 0, true);
  }

  /**
   * 2-D average pooling; like {@code torch.nn.functional.avg_pool2d(x, kernel, stride, padding,
   * count_include_pad=countIncludePad)}.
   *
   * @param x input {@code [N, C, H, W]}
   * @param kernel the window's side, at least 1
   * @param stride step between windows, at least 1
   * @param padding implicit zero padding on each side, at most {@code kernel / 2}
   * @param countIncludePad true to divide by the full window size even where it overlaps the padding, false to divide
   *     by the number of real elements only
   * @return the output {@code [N, C, H_out, W_out]}
   * @throws IllegalArgumentException if a setting is out of range, {@code x} is not four-dimensional, or the window is
   *     larger than the padded input
   */
  // each input element receives the window-averaged gradient of every window that covers it
  public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding, boolean countIncludePad) {
    Pool2dSpec spec = poolSpec("avgPool2d", x, kernel, stride, padding, 1, countIncludePad);
    return avgPool(x, spec);
  }

  private static Tensor avgPool(Tensor x, Pool2dSpec spec) {
    int[] xs = x.shape();
    return Graph.record("avgPool2d", b().pooling().avgPool2d(Graph.array(x), spec),
        (g, n) -> new Tensor[] {avgPoolGrad(g, xs, spec)}, x);
  }

  // Spreads g over the windows; linear, and its adjoint is average pooling itself.
  private static Tensor avgPoolGrad(Tensor g, int[] xs, Pool2dSpec spec) {
    return Graph.record("avgPool2dBackward", b().pooling().avgPool2dBackward(Graph.array(g), xs, spec),
        (gg, n) -> new Tensor[] {avgPool(gg, spec)}, g);
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
