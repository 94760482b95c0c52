package dev.backflow.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backflow.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolution, pooling and indexing kernels against direct nested-loop definitions written here,
 * on both CPU backends (SIMD and plain-Java GEMM). Inputs are handed in with a nonzero storage offset,
 * so kernels that forget {@code offset()} read the wrong elements.
 */
class KernelReferenceTest {

  // Built once: constructing the default backend logs when the Vector API is absent.
  private static final List<Backend> BACKENDS = List.of(new CpuBackend(), CpuBackend.scalar());

  /** Both backends, labelled with their kernel names in test reports. */
  static Stream<Named<Backend>> backends() {
    return BACKENDS.stream().map(b -> Named.of(b.name(), b));
  }

  // ---------------------------------------------------------------- convolution

  /** One convolution problem: input [n, c, h, w], weight [o, c/groups, kh, kw]. */
  record ConvCase(String name, int n, int c, int h, int w, int o, int kh, int kw, Conv2dSpec spec) {
    int[] xShape() { return new int[] {n, c, h, w}; }
    int[] wShape() { return new int[] {o, c / spec.groups(), kh, kw}; }
    int oh() { return spec.outH(h, kh); }
    int ow() { return spec.outW(w, kw); }
    int[] outShape() { return new int[] {n, o, oh(), ow()}; }

    @Override public String toString() { return name; }
  }

  static List<ConvCase> convCases() {
    return List.of(
        new ConvCase("3x3 plain", 1, 3, 5, 5, 4, 3, 3, new Conv2dSpec(1, 1, 0, 0, 1, 1, 1)),
        new ConvCase("1x1 pointwise, batch 2", 2, 4, 5, 6, 3, 1, 1, new Conv2dSpec(1, 1, 0, 0, 1, 1, 1)),
        new ConvCase("1x1 stride 2", 2, 3, 7, 6, 5, 1, 1, new Conv2dSpec(2, 2, 0, 0, 1, 1, 1)),
        new ConvCase("groups 2, stride 2, padding 1", 2, 4, 7, 6, 6, 3, 3, new Conv2dSpec(2, 2, 1, 1, 1, 1, 2)),
        new ConvCase("dilation 2, 2x3 kernel, mixed stride/padding", 1, 2, 9, 8, 3, 2, 3,
            new Conv2dSpec(1, 2, 2, 1, 2, 2, 1)),
        new ConvCase("depthwise 3 groups, padding 1", 2, 3, 6, 6, 3, 3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 3)),
        new ConvCase("3x2 kernel, stride 2x1, padding 1x2, dilation 2x3", 1, 2, 8, 7, 4, 3, 2,
            new Conv2dSpec(2, 1, 1, 2, 2, 3, 1)),
        new ConvCase("kernel wider than input, only fits with padding", 1, 2, 3, 3, 2, 5, 5,
            new Conv2dSpec(1, 1, 1, 1, 1, 1, 1)),
        new ConvCase("stride larger than kernel", 1, 2, 9, 10, 3, 2, 2, new Conv2dSpec(3, 4, 0, 1, 1, 1, 1)),
        // K = 32*9 = 288 > the GEMM's 256-deep k block, and 100 output channels > its 96-row m block.
        new ConvCase("GEMM blocking boundaries", 1, 32, 8, 8, 100, 3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 1)),
        new ConvCase("groups 4 on 1x1", 2, 8, 4, 5, 12, 1, 1, new Conv2dSpec(1, 1, 0, 0, 1, 1, 4)),
        // K = 9 against 32 output channels: the weight gradient is computed transposed
        new ConvCase("first layer: 1 channel, 32 outputs, padding 1", 3, 1, 9, 9, 32, 3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 1)),
        new ConvCase("transposed weight gradient with groups", 2, 4, 6, 5, 40, 3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 2)),
        // K = 288 and Og = 32 fill panels equally; the smaller Gᵀ is packed (transposed form)
        new ConvCase("transposed weight gradient, full panels both ways", 2, 32, 6, 6, 32, 3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 1)));
  }

  static Stream<Arguments> convCasesOnBackends() {
    List<Arguments> out = new ArrayList<>();
    for (ConvCase c : convCases()) backends().forEach(b -> out.add(Arguments.of(c, b)));
    return out.stream();
  }

  /** Direct cross-correlation in double, taps in the padding skipped. */
  static double[] naiveConv(float[] x, float[] w, ConvCase k) {
    Conv2dSpec s = k.spec();
    int cg = k.c / s.groups(), og = k.o / s.groups(), oh = k.oh(), ow = k.ow();
    double[] out = new double[k.n * k.o * oh * ow];
    for (int n = 0; n < k.n; n++) {
      for (int o = 0; o < k.o; o++) {
        int g = o / og;
        for (int y = 0; y < oh; y++) {
          for (int xo = 0; xo < ow; xo++) {
            double sum = 0;
            for (int c = 0; c < cg; c++) {
              for (int i = 0; i < k.kh; i++) {
                for (int j = 0; j < k.kw; j++) {
                  int iy = y * s.strideH() - s.padH() + i * s.dilationH();
                  int ix = xo * s.strideW() - s.padW() + j * s.dilationW();
                  if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
                  sum += (double) x[((n * k.c + g * cg + c) * k.h + iy) * k.w + ix]
                      * w[((o * cg + c) * k.kh + i) * k.kw + j];
                }
              }
            }
            out[((n * k.o + o) * oh + y) * ow + xo] = sum;
          }
        }
      }
    }
    return out;
  }

  /** Both gradients by the same loops as the forward pass, each product routed back to its two factors. */
  static double[][] naiveConvGrads(float[] x, float[] w, float[] gOut, ConvCase k) {
    Conv2dSpec s = k.spec();
    int cg = k.c / s.groups(), og = k.o / s.groups(), oh = k.oh(), ow = k.ow();
    double[] dx = new double[x.length], dw = new double[w.length];
    for (int n = 0; n < k.n; n++) {
      for (int o = 0; o < k.o; o++) {
        int g = o / og;
        for (int y = 0; y < oh; y++) {
          for (int xo = 0; xo < ow; xo++) {
            double go = gOut[((n * k.o + o) * oh + y) * ow + xo];
            for (int c = 0; c < cg; c++) {
              for (int i = 0; i < k.kh; i++) {
                for (int j = 0; j < k.kw; j++) {
                  int iy = y * s.strideH() - s.padH() + i * s.dilationH();
                  int ix = xo * s.strideW() - s.padW() + j * s.dilationW();
                  if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w) continue;
                  int xi = ((n * k.c + g * cg + c) * k.h + iy) * k.w + ix;
                  int wi = ((o * cg + c) * k.kh + i) * k.kw + j;
                  dx[xi] += go * w[wi];
                  dw[wi] += go * x[xi];
                }
              }
            }
          }
        }
      }
    }
    return new double[][] {dx, dw};
  }

  @Nested
  @DisplayName("conv2d")
  class ConvolutionMatchesDirectLoops {

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#convCasesOnBackends")
    void forwardEqualsDirectCrossCorrelation(ConvCase k, Backend be) {
      SplittableRandom rng = new SplittableRandom(1);
      float[] x = normal(rng, Shapes.numel(k.xShape())), w = normal(rng, Shapes.numel(k.wShape()));
      NdArray out = be.convolution().conv2d(offsetCopy(x, k.xShape()), offsetCopy(w, k.wShape()), k.spec());
      assertArrayEquals(k.outShape(), out.shape());
      assertClose(naiveConv(x, w, k), values(out), 1e-4);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#convCasesOnBackends")
    void gradientsEqualDirectAccumulation(ConvCase k, Backend be) {
      SplittableRandom rng = new SplittableRandom(2);
      float[] x = normal(rng, Shapes.numel(k.xShape())), w = normal(rng, Shapes.numel(k.wShape()));
      float[] g = normal(rng, Shapes.numel(k.outShape()));
      double[][] ref = naiveConvGrads(x, w, g, k);
      NdArray dx = be.convolution().conv2dBackwardInput(offsetCopy(g, k.outShape()), offsetCopy(w, k.wShape()), k.xShape(), k.spec());
      NdArray dw = be.convolution().conv2dBackwardWeight(offsetCopy(g, k.outShape()), offsetCopy(x, k.xShape()), k.wShape(),
          k.spec());
      assertArrayEquals(k.xShape(), dx.shape());
      assertArrayEquals(k.wShape(), dw.shape());
      assertClose(ref[0], values(dx), 1e-4);
      assertClose(ref[1], values(dw), 1e-4);
    }

    /** conv is bilinear, so its gradients are its adjoints: <conv(x,w), g> = <x, dX(g)> = <w, dW(g)>. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#convCasesOnBackends")
    void gradientsAreAdjointsOfTheForwardPass(ConvCase k, Backend be) {
      SplittableRandom rng = new SplittableRandom(3);
      float[] x = normal(rng, Shapes.numel(k.xShape())), w = normal(rng, Shapes.numel(k.wShape()));
      float[] g = normal(rng, Shapes.numel(k.outShape()));
      NdArray gOut = NdArray.wrap(g, k.outShape());
      double lhs = dot(values(be.convolution().conv2d(NdArray.wrap(x, k.xShape()), NdArray.wrap(w, k.wShape()), k.spec())), g);
      double viaInput = dot(values(be.convolution().conv2dBackwardInput(gOut, NdArray.wrap(w, k.wShape()), k.xShape(), k.spec())), x);
      double viaWeight = dot(values(be.convolution().conv2dBackwardWeight(gOut, NdArray.wrap(x, k.xShape()), k.wShape(), k.spec())),
          w);
      assertRelative(lhs, viaInput, 1e-3);
      assertRelative(lhs, viaWeight, 1e-3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void stridedViewInputsGiveTheSameResultAsContiguousOnes(Backend be) {
      ConvCase k = convCases().get(3);
      SplittableRandom rng = new SplittableRandom(4);
      float[] x = normal(rng, Shapes.numel(k.xShape())), w = normal(rng, Shapes.numel(k.wShape()));
      // x stored as [N, C, W, H] and viewed back through a transpose: a non-contiguous operand.
      int[] ts = {k.n, k.c, k.w, k.h};
      NdArray xt = be.storage().copy(NdArray.wrap(x, k.xShape()).transpose(2, 3));
      NdArray view = NdArray.wrap(values(xt), ts).transpose(2, 3);
      assertTrue(!view.isContiguous());
      assertClose(naiveConv(x, w, k), values(be.convolution().conv2d(view, NdArray.wrap(w, k.wShape()), k.spec())), 1e-4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void channelMismatchIsReportedWithBothShapes(Backend be) {
      // Checked once, by the op, in the user's terms (the kernel only asserts).
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> dev.backflow.ops.Convolutions.conv2d(dev.backflow.tensor.Tensor.zeros(1, 3, 5, 5),
              dev.backflow.tensor.Tensor.zeros(4, 2, 3, 3), null, new Conv2dSpec(1, 1, 0, 0, 1, 1, 1)));
      assertTrue(e.getMessage().contains("[1, 3, 5, 5]") && e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void kernelLargerThanPaddedInputIsRejected(Backend be) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> dev.backflow.ops.Convolutions.conv2d(dev.backflow.tensor.Tensor.zeros(1, 1, 2, 2),
              dev.backflow.tensor.Tensor.zeros(1, 1, 3, 3), null, new Conv2dSpec(1, 1, 0, 0, 1, 1, 1)));
      assertTrue(e.getMessage().contains("3x3") && e.getMessage().contains("2x2"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------- pooling

  record PoolCase(String name, int[] xShape, Pool2dSpec spec) {
    @Override public String toString() { return name; }
  }

  static List<PoolCase> poolCases() {
    return List.of(
        new PoolCase("2x2 stride 2", new int[] {2, 3, 6, 6}, new Pool2dSpec(2, 2, 2, 2, 0, 0, 1, 1, true)),
        new PoolCase("3x3 stride 2 padding 1", new int[] {1, 2, 7, 8}, new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, true)),
        new PoolCase("3x3 stride 1 padding 1, pad excluded", new int[] {1, 2, 5, 4},
            new Pool2dSpec(3, 3, 1, 1, 1, 1, 1, 1, false)),
        new PoolCase("2x3 kernel, stride 1x2, padding 1x1", new int[] {2, 1, 5, 7},
            new Pool2dSpec(2, 3, 1, 2, 1, 1, 1, 1, false)),
        new PoolCase("3x2 kernel, dilation 2x3, padding 1x1", new int[] {1, 2, 9, 9},
            new Pool2dSpec(3, 2, 2, 1, 1, 1, 2, 3, true)),
        new PoolCase("window covers whole plane", new int[] {1, 1, 3, 4}, new Pool2dSpec(3, 4, 1, 1, 0, 0, 1, 1, true)));
  }

  static Stream<Arguments> poolCasesOnBackends() {
    List<Arguments> out = new ArrayList<>();
    for (PoolCase c : poolCases()) backends().forEach(b -> out.add(Arguments.of(c, b)));
    return out.stream();
  }

  /** Values and flat argmax by scanning each window's real taps; first maximum or first NaN wins. */
  static Object[] naiveMaxPool(float[] x, int[] xs, Pool2dSpec s) {
    int oh = s.outH(xs[2]), ow = s.outW(xs[3]);
    float[] out = new float[xs[0] * xs[1] * oh * ow];
    int[] arg = new int[out.length];
    int o = 0;
    for (int p = 0; p < xs[0] * xs[1]; p++) {
      for (int y = 0; y < oh; y++) {
        for (int xo = 0; xo < ow; xo++, o++) {
          float best = Float.NEGATIVE_INFINITY;
          int bi = -1;
          for (int i = 0; i < s.kernelH(); i++) {
            for (int j = 0; j < s.kernelW(); j++) {
              int iy = y * s.strideH() - s.padH() + i * s.dilationH();
              int ix = xo * s.strideW() - s.padW() + j * s.dilationW();
              if (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3]) continue;
              int idx = (p * xs[2] + iy) * xs[3] + ix;
              float v = x[idx];
              boolean bestIsNaN = bi >= 0 && Float.isNaN(best);
              if (!bestIsNaN && (bi < 0 || v > best || Float.isNaN(v))) {
                best = v;
                bi = idx;
              }
            }
          }
          out[o] = best;
          arg[o] = bi;
        }
      }
    }
    return new Object[] {out, arg};
  }

  /** PyTorch's avg_pool2d written out: window clipped to the padded input for the divisor, to the input for the sum. */
  static double[] naiveAvgPool(float[] x, int[] xs, Pool2dSpec s) {
    int oh = (xs[2] + 2 * s.padH() - s.kernelH()) / s.strideH() + 1;
    int ow = (xs[3] + 2 * s.padW() - s.kernelW()) / s.strideW() + 1;
    double[] out = new double[xs[0] * xs[1] * oh * ow];
    int o = 0;
    for (int p = 0; p < xs[0] * xs[1]; p++) {
      for (int y = 0; y < oh; y++) {
        for (int xo = 0; xo < ow; xo++, o++) {
          double sum = 0;
          int real = 0, padded = 0;
          for (int i = 0; i < s.kernelH(); i++) {
            for (int j = 0; j < s.kernelW(); j++) {
              int iy = y * s.strideH() - s.padH() + i, ix = xo * s.strideW() - s.padW() + j;
              if (iy < xs[2] + s.padH() && ix < xs[3] + s.padW()) padded++;
              if (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3]) continue;
              real++;
              sum += x[(p * xs[2] + iy) * xs[3] + ix];
            }
          }
          out[o] = sum / (s.countIncludePad() ? padded : real);
        }
      }
    }
    return out;
  }

  @Nested
  @DisplayName("max and average pooling")
  class PoolingMatchesNaiveWindows {

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#poolCasesOnBackends")
    void maxPoolPicksTheFirstLargestRealElementOrFirstNaN(PoolCase pc, Backend be) {
      // Few distinct values, so ties are common and the first-wins rule is exercised.
      SplittableRandom rng = new SplittableRandom(5);
      float[] x = new float[Shapes.numel(pc.xShape())];
      for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(4) - 3; // all <= 0: padding must not win as 0
      for (int i = 0; i < x.length; i++) if (rng.nextInt(16) == 0) x[i] = Float.NaN;
      PoolResult r = be.pooling().maxPool2d(offsetCopy(x, pc.xShape()), pc.spec());
      Object[] ref = naiveMaxPool(x, pc.xShape(), pc.spec());
      assertArrayEquals((float[]) ref[0], values(r.values()));
      assertArrayEquals((int[]) ref[1], r.argmax());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#poolCasesOnBackends")
    void maxPoolBackwardScattersIntoTheArgmaxPositions(PoolCase pc, Backend be) {
      SplittableRandom rng = new SplittableRandom(6);
      float[] x = normal(rng, Shapes.numel(pc.xShape()));
      PoolResult r = be.pooling().maxPool2d(NdArray.wrap(x, pc.xShape()), pc.spec());
      float[] g = normal(rng, r.values().size());
      double[] ref = new double[x.length];
      for (int i = 0; i < g.length; i++) ref[r.argmax()[i]] += g[i];
      NdArray dx = be.pooling().maxPool2dBackward(offsetCopy(g, r.values().shape()), r.argmax(), pc.xShape());
      assertArrayEquals(pc.xShape(), dx.shape());
      assertClose(ref, values(dx), 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void maxPoolPropagatesNaN(Backend be) {
      // Windows: {1,NaN,2,3} {NaN,5,3,NaN} {2,3,7,4} {3,NaN,4,9}; the first NaN in scan order is chosen.
      float[] x = {1, Float.NaN, 5, 2, 3, Float.NaN, 7, 4, 9};
      PoolResult r = be.pooling().maxPool2d(NdArray.wrap(x, 1, 1, 3, 3), new Pool2dSpec(2, 2, 1, 1, 0, 0, 1, 1, true));
      float[] v = values(r.values());
      assertTrue(Float.isNaN(v[0]) && Float.isNaN(v[1]) && Float.isNaN(v[3]), java.util.Arrays.toString(v));
      assertEquals(7f, v[2]);
      assertArrayEquals(new int[] {1, 1, 6, 5}, r.argmax());
      // A NaN mid-row must stay chosen against the larger values after it.
      PoolResult row = be.pooling().maxPool2d(NdArray.wrap(new float[] {1, Float.NaN, 2, Float.NaN, 5}, 1, 1, 1, 5),
          new Pool2dSpec(1, 5, 1, 1, 0, 0, 1, 1, true));
      assertTrue(Float.isNaN(row.values().get(0, 0, 0, 0)));
      assertArrayEquals(new int[] {1}, row.argmax());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#poolCasesOnBackends")
    void avgPoolEqualsPyTorchFormula(PoolCase pc, Backend be) {
      // The dilated case too: average pooling has no dilation, so the kernel must ignore those fields.
      float[] x = normal(new SplittableRandom(7), Shapes.numel(pc.xShape()));
      assertClose(naiveAvgPool(x, pc.xShape(), pc.spec()), values(be.pooling().avgPool2d(offsetCopy(x, pc.xShape()), pc.spec())),
          1e-5);
    }

    /** avg pooling is linear, so its backward is its adjoint: <avg(x), g> = <x, avgBackward(g)>. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#poolCasesOnBackends")
    void avgPoolBackwardIsTheAdjointAndSpreadsEachShare(PoolCase pc, Backend be) {
      SplittableRandom rng = new SplittableRandom(8);
      float[] x = normal(rng, Shapes.numel(pc.xShape()));
      NdArray y = be.pooling().avgPool2d(NdArray.wrap(x, pc.xShape()), pc.spec());
      float[] g = normal(rng, y.size());
      NdArray dx = be.pooling().avgPool2dBackward(offsetCopy(g, y.shape()), pc.xShape(), pc.spec());
      assertArrayEquals(pc.xShape(), dx.shape());
      assertRelative(dot(values(y), g), dot(values(dx), x), 1e-4);
      // Elementwise too: the gradient of each output wrt x is avg applied to a one-hot probe's adjoint.
      double[] ref = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        float[] e = new float[x.length];
        e[i] = 1f;
        ref[i] = dot(values(be.pooling().avgPool2d(NdArray.wrap(e, pc.xShape()), pc.spec())), g);
      }
      assertClose(ref, values(dx), 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void avgPoolDivisorFollowsCountIncludePad(Backend be) {
      float[] x = new float[16];
      for (int i = 0; i < 16; i++) x[i] = i + 1;
      NdArray in = NdArray.wrap(x, 1, 1, 4, 4);
      float[] incl = values(be.pooling().avgPool2d(in, new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, true)));
      float[] excl = values(be.pooling().avgPool2d(in, new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, false)));
      // Top-left window holds 1, 2, 5, 6 and five padding cells.
      assertArrayEquals(new float[] {14f / 9, 30f / 9, 57f / 9, 11f}, incl, 1e-6f);
      assertArrayEquals(new float[] {3.5f, 5f, 9.5f, 11f}, excl, 1e-6f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void paddingBeyondHalfTheKernelIsRejected(Backend be) {
      assertThrows(IllegalArgumentException.class,
          () -> be.pooling().maxPool2d(NdArray.zeros(1, 1, 4, 4), new Pool2dSpec(2, 2, 1, 1, 2, 2, 1, 1, true)));
    }
  }

  // ---------------------------------------------------------------- indexing

  static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }

  static int ravel(int[] idx, int[] shape) {
    int f = 0;
    for (int d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
    return f;
  }

  static float[] randomIndex(SplittableRandom rng, int n, int bound) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = rng.nextInt(bound);
    return v;
  }

  static Stream<Arguments> gatherCases() {
    List<Arguments> out = new ArrayList<>();
    int[] xs = {3, 4, 5};
    // Longer than x along dim (allowed), shorter or equal elsewhere (PyTorch's rule).
    int[][] indexShapes = {{5, 2, 3}, {3, 7, 5}, {1, 2, 9}};
    for (int dim = 0; dim < 3; dim++) {
      int[] is = indexShapes[dim];
      int d = dim;
      backends().forEach(b -> out.add(Arguments.of(xs, d, is, b)));
    }
    return out.stream();
  }

  @Nested
  @DisplayName("gather, scatterAdd, indexSelect, indexAdd")
  class IndexingMatchesNaiveDefinitions {

    @ParameterizedTest(name = "x {0} dim {1} index {2} on {3}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#gatherCases")
    void gatherReadsAlongDimAtEachIndex(int[] xs, int dim, int[] is, Backend be) {
      SplittableRandom rng = new SplittableRandom(9);
      float[] x = normal(rng, Shapes.numel(xs));
      float[] index = randomIndex(rng, Shapes.numel(is), xs[dim]);
      float[] got = values(be.indexing().gather(offsetCopy(x, xs), dim, offsetCopy(index, is)));
      for (int f = 0; f < index.length; f++) {
        int[] at = unravel(f, is);
        at[dim] = (int) index[f];
        assertEquals(x[ravel(at, xs)], got[f], "element " + f);
      }
    }

    @ParameterizedTest(name = "out {0} dim {1} index {2} on {3}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#gatherCases")
    void scatterAddAccumulatesRepeatedIndices(int[] shape, int dim, int[] is, Backend be) {
      SplittableRandom rng = new SplittableRandom(10);
      float[] src = normal(rng, Shapes.numel(is));
      float[] index = randomIndex(rng, src.length, shape[dim]);
      double[] ref = new double[Shapes.numel(shape)];
      for (int f = 0; f < index.length; f++) {
        int[] at = unravel(f, is);
        at[dim] = (int) index[f];
        ref[ravel(at, shape)] += src[f];
      }
      NdArray out = be.indexing().scatterAdd(shape, dim, offsetCopy(index, is), offsetCopy(src, is));
      assertArrayEquals(shape, out.shape());
      assertClose(ref, values(out), 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void scatterAddIsTheAdjointOfGather(Backend be) {
      SplittableRandom rng = new SplittableRandom(11);
      int[] xs = {4, 6}, is = {3, 9};
      float[] x = normal(rng, 24), g = normal(rng, 27);
      NdArray index = NdArray.wrap(randomIndex(rng, 27, 6), is);
      double lhs = dot(values(be.indexing().gather(NdArray.wrap(x, xs), 1, index)), g);
      double rhs = dot(values(be.indexing().scatterAdd(xs, 1, index, NdArray.wrap(g, is))), x);
      assertRelative(lhs, rhs, 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void indexSelectAndIndexAddWorkOnEveryDim(Backend be) {
      SplittableRandom rng = new SplittableRandom(12);
      int[] xs = {3, 4, 5};
      float[] x = normal(rng, 60);
      for (int dim = 0; dim < 3; dim++) {
        int[] index = {xs[dim] - 1, 0, xs[dim] - 1, 1}; // repeats, out of order
        int[] os = xs.clone();
        os[dim] = index.length;
        float[] sel = values(be.indexing().indexSelect(offsetCopy(x, xs), dim, index));
        float[] src = normal(rng, Shapes.numel(os));
        double[] added = new double[60];
        for (int f = 0; f < sel.length; f++) {
          int[] at = unravel(f, os);
          int[] from = at.clone();
          from[dim] = index[at[dim]];
          assertEquals(x[ravel(from, xs)], sel[f], "indexSelect dim " + dim + " element " + f);
          added[ravel(from, xs)] += src[f];
        }
        NdArray sum = be.indexing().indexAdd(xs, dim, index, offsetCopy(src, os));
        assertArrayEquals(xs, sum.shape());
        assertClose(added, values(sum), 1e-6);
      }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void badIndicesAreReportedInUserTerms(Backend be) {
      NdArray x = NdArray.zeros(2, 5);
      assertMessage("gather: index 7 is out of range for dimension 1 of size 5",
          () -> be.indexing().gather(x, 1, NdArray.wrap(new float[] {0, 7}, 2, 1)));
      assertMessage("gather: index -1 is out of range for dimension 1 of size 5",
          () -> be.indexing().gather(x, 1, NdArray.wrap(new float[] {-1, 0}, 2, 1)));
      assertMessage("gather: index 2.5 is not an integer",
          () -> be.indexing().gather(x, 1, NdArray.wrap(new float[] {1, 2.5f}, 2, 1)));
      assertMessage("gather: index NaN is not an integer",
          () -> be.indexing().gather(x, 1, NdArray.wrap(new float[] {Float.NaN, 0}, 2, 1)));
      assertMessage("scatterAdd: index 2 is out of range for dimension 0 of size 2",
          () -> be.indexing().scatterAdd(new int[] {2, 5}, 0, NdArray.wrap(new float[] {2}, 1, 1), NdArray.zeros(1, 1)));
      assertMessage("indexSelect: index 5 is out of range for dimension 1 of size 5",
          () -> be.indexing().indexSelect(x, 1, new int[] {0, 5}));
      assertMessage("indexAdd: index -2 is out of range for dimension 0 of size 2",
          () -> be.indexing().indexAdd(new int[] {2, 5}, 0, new int[] {-2}, NdArray.zeros(1, 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.backflow.backend.KernelReferenceTest#backends")
    void shapeMismatchesNameTheShapes(Backend be) {
      String m = assertThrows(IllegalArgumentException.class,
          () -> be.indexing().gather(NdArray.zeros(2, 5), 1, NdArray.zeros(3, 1))).getMessage();
      assertTrue(m.contains("[3, 1]") && m.contains("[2, 5]"), m);
      m = assertThrows(IllegalArgumentException.class,
          () -> be.indexing().gather(NdArray.zeros(2, 5), 1, NdArray.zeros(2))).getMessage();
      assertTrue(m.contains("[2]") && m.contains("[2, 5]"), m);
      m = assertThrows(IllegalArgumentException.class,
          () -> be.indexing().indexAdd(new int[] {2, 5}, 1, new int[] {0, 1}, NdArray.zeros(2, 3))).getMessage();
      assertTrue(m.contains("[2, 3]") && m.contains("[2, 2]"), m);
    }
  }

  // ---------------------------------------------------------------- helpers

  static float[] normal(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
    return v;
  }

  /** The same values, contiguous but starting 3 floats into a larger, garbage-filled storage array. */
  static NdArray offsetCopy(float[] v, int[] shape) {
    float[] storage = new float[v.length + 5];
    java.util.Arrays.fill(storage, 1e6f); // garbage that would show up loudly if read
    System.arraycopy(v, 0, storage, 3, v.length);
    return new NdArray(storage, 3, shape.clone(), Shapes.contiguousStrides(shape));
  }

  /** Row-major values of any view. */
  static float[] values(NdArray a) {
    float[] out = new float[a.size()];
    int[] shape = a.shape();
    for (int f = 0; f < out.length; f++) out[f] = a.get(unravel(f, shape));
    return out;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
    return s;
  }

  static void assertClose(double[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(expected[i] - actual[i]) > tol * (1 + Math.abs(expected[i]))) {
        fail("element " + i + ": expected " + expected[i] + " but got " + actual[i]);
      }
    }
  }

  static void assertRelative(double expected, double actual, double rel) {
    assertTrue(Math.abs(expected - actual) <= rel * Math.max(1, Math.abs(expected)),
        "expected " + expected + " but got " + actual);
  }

  static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
