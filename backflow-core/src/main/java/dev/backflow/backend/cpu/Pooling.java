package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.PoolingKernels;
import dev.backflow.backend.Pool2dSpec;
import dev.backflow.backend.PoolResult;
import dev.backflow.backend.Shapes;

/**
 * Max and average pooling over NCHW planes, with PyTorch's semantics (floor mode, padding that never
 * wins a max, count_include_pad for averages). Each window's in-bounds tap range is computed once per
 * output row/column, so the inner loops carry no bounds tests. Arrays arrive contiguous (CpuBackend
 * passes contiguous()), so only their offset needs adding.
 */
final class Pooling implements PoolingKernels {

  static PoolResult max(NdArray x, Pool2dSpec s) {
    int[] xs = x.shape();
    check("maxPool2d", xs, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(),
        s.dilationH(), s.dilationW());
    int planes = xs[0] * xs[1], h = xs[2], w = xs[3], hw = h * w;
    int oh = s.outH(h), ow = s.outW(w);
    int sh = s.strideH(), sw = s.strideW(), dh = s.dilationH(), dw = s.dilationW();
    float[] out = new float[planes * oh * ow];
    int[] argmax = new int[out.length];
    float[] xd = x.data();
    int xOff = x.offset();
    if (s.kernelH() == 2 && s.kernelW() == 2 && sh == 2 && sw == 2 && s.padH() == 0 && s.padW() == 0 && dh == 1 && dw == 1) {
      // Planes are independent: split them across cores when the input is large enough to pay.
      int tasks = (long) planes * hw < (1 << 16) ? 1 : Math.min(Parallel.threads(), planes);
      Parallel.forEach(tasks, t -> max2x2(xd, xOff, (int) ((long) planes * t / tasks), (int) ((long) planes * (t + 1) / tasks),
          w, hw, oh, ow, out, argmax));
      return new PoolResult(NdArray.wrap(out, xs[0], xs[1], oh, ow), argmax);
    }
    int[] wLo = new int[ow], wHi = new int[ow];
    for (int ox = 0; ox < ow; ox++) {
      int start = ox * sw - s.padW();
      wLo[ox] = Convolution.firstInside(start, dw, s.kernelW());
      wHi[ox] = Convolution.endInside(start, dw, w, s.kernelW());
    }
    int o = 0;
    for (int p = 0; p < planes; p++) {
      int plane = p * hw;
      for (int oy = 0; oy < oh; oy++) {
        int startH = oy * sh - s.padH();
        int iLo = Convolution.firstInside(startH, dh, s.kernelH());
        int iHi = Convolution.endInside(startH, dh, h, s.kernelH());
        for (int ox = 0; ox < ow; ox++, o++) {
          int startW = ox * sw - s.padW();
          int jLo = wLo[ox], jHi = wHi[ox];
          // Only reachable with dilation: every tap falls in the padding, which PyTorch treats as -inf.
          if (iLo >= iHi || jLo >= jHi) {
            out[o] = Float.NEGATIVE_INFINITY;
            argmax[o] = -1;
            continue;
          }
          int best = plane + (startH + iLo * dh) * w + startW + jLo * dw;
          float bv = xd[xOff + best];
          // Strict > keeps the first maximum; !(v <= bv) also admits a NaN, after which nothing replaces it.
          search:
          for (int i = iLo; i < iHi && bv == bv; i++) {
            int rowIdx = plane + (startH + i * dh) * w + startW;
            for (int j = jLo; j < jHi; j++) {
              int idx = rowIdx + j * dw;
              float v = xd[xOff + idx];
              if (!(v <= bv)) {
                bv = v;
                best = idx;
                if (v != v) break search;
              }
            }
          }
          out[o] = bv;
          argmax[o] = best;
        }
      }
    }
    return new PoolResult(NdArray.wrap(out, xs[0], xs[1], oh, ow), argmax);
  }

  /**
   * The CNN's 2x2, stride-2 pooling without padding: four loads per output and no window arithmetic,
   * with the general path's rules (first maximum wins, a NaN wins and stays).
   */
  private static void max2x2(float[] xd, int xOff, int fromPlane, int toPlane, int w, int hw, int oh, int ow,
                             float[] out, int[] argmax) {
    int o = fromPlane * oh * ow;
    for (int p = fromPlane; p < toPlane; p++) {
      int plane = p * hw;
      for (int oy = 0; oy < oh; oy++) {
        int row = plane + 2 * oy * w;
        for (int ox = 0; ox < ow; ox++, o++) {
          int i0 = row + 2 * ox, i1 = i0 + 1, i2 = i0 + w, i3 = i2 + 1;
          float a = xd[xOff + i0], b = xd[xOff + i1], c = xd[xOff + i2], d = xd[xOff + i3];
          // Branch-free: on real activations the winner is unpredictable, and mispredicted branches cost
          // 3-4x the whole loop. The sign bit of (u - v) + 0 is 1 exactly when v > u (ties, ±0: the first).
          int jab = Float.floatToRawIntBits((a - b) + 0f) >>> 31, jcd = Float.floatToRawIntBits((c - d) + 0f) >>> 31;
          float mab = Math.max(a, b), mcd = Math.max(c, d);
          int iab = i0 + jab, icd = i2 + jcd;
          int later = Float.floatToRawIntBits((mab - mcd) + 0f) >>> 31;
          int best = iab + later * (icd - iab);
          float bv = Math.max(mab, mcd);
          if (a != a || b != b || c != c || d != d) { // rare: the first NaN wins, as in the general path
            best = a != a ? i0 : b != b ? i1 : c != c ? i2 : i3;
            bv = Float.NaN;
          }
          out[o] = bv;
          argmax[o] = best;
        }
      }
    }
  }

  /** Routes each output gradient to the input element that won its window; overlapping windows add. */
  static NdArray maxBackward(NdArray gOut, int[] argmax, int[] xShape) {
    if (argmax.length != gOut.size()) {
      throw new IllegalArgumentException("maxPool2dBackward: " + argmax.length + " argmax entries for an output "
          + "gradient of shape " + Shapes.str(gOut.shape()));
    }
    float[] dx = new float[Shapes.numel(xShape)];
    for (int a : argmax) {
      if (a < -1 || a >= dx.length) {
        throw new IllegalArgumentException("maxPool2dBackward: argmax " + a + " lies outside an input of shape "
            + Shapes.str(xShape));
      }
    }
    float[] gd = gOut.data();
    int gOff = gOut.offset();
    // Windows of a plane only reach that plane, so whole planes split across cores write disjoint parts of dx.
    int planes = gOut.rank() == 4 ? gOut.shape(0) * gOut.shape(1) : 1, per = planes == 0 ? 0 : argmax.length / planes;
    int tasks = dx.length < (1 << 16) || planes < 2 ? 1 : Math.min(Parallel.threads(), planes);
    Parallel.forEach(tasks, t -> {
      int from = (int) ((long) planes * t / tasks) * per, to = t == tasks - 1 ? argmax.length : (int) ((long) planes * (t + 1) / tasks) * per;
      for (int i = from; i < to; i++) {
        int a = argmax[i];
        if (a >= 0) dx[a] += gd[gOff + i]; // -1 marks a window that saw only padding
      }
    });
    return NdArray.wrap(dx, xShape);
  }

  static NdArray avg(NdArray x, Pool2dSpec s) {
    int[] xs = x.shape();
    check("avgPool2d", xs, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(), 1, 1);
    int planes = xs[0] * xs[1], h = xs[2], w = xs[3], hw = h * w;
    int oh = outLen(h, s.kernelH(), s.strideH(), s.padH()), ow = outLen(w, s.kernelW(), s.strideW(), s.padW());
    AvgWindows win = new AvgWindows(s, h, w, oh, ow);
    float[] out = new float[planes * oh * ow];
    float[] xd = x.data();
    int o = 0;
    for (int p = 0; p < planes; p++) {
      int plane = x.offset() + p * hw;
      for (int oy = 0; oy < oh; oy++) {
        int h0 = win.hLo[oy], h1 = win.hHi[oy];
        for (int ox = 0; ox < ow; ox++, o++) {
          int w0 = win.wLo[ox], w1 = win.wHi[ox];
          // Sum in double so large windows lose nothing to float rounding before the divide.
          double sum = 0;
          for (int iy = h0; iy < h1; iy++) {
            int row = plane + iy * w;
            for (int ix = w0; ix < w1; ix++) sum += xd[row + ix];
          }
          out[o] = (float) (sum / win.divisor(oy, ox));
        }
      }
    }
    return NdArray.wrap(out, xs[0], xs[1], oh, ow);
  }

  static NdArray avgBackward(NdArray gOut, int[] xShape, Pool2dSpec s) {
    check("avgPool2dBackward", xShape, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(), 1,
        1);
    int planes = xShape[0] * xShape[1], h = xShape[2], w = xShape[3], hw = h * w;
    int oh = outLen(h, s.kernelH(), s.strideH(), s.padH()), ow = outLen(w, s.kernelW(), s.strideW(), s.padW());
    int[] gs = gOut.shape();
    if (gs.length != 4 || gs[0] != xShape[0] || gs[1] != xShape[1] || gs[2] != oh || gs[3] != ow) {
      throw new IllegalArgumentException("avgPool2dBackward: output gradient has shape " + Shapes.str(gs)
          + " but pooling " + Shapes.str(xShape) + " produces " + Shapes.str(new int[] {xShape[0], xShape[1], oh, ow}));
    }
    AvgWindows win = new AvgWindows(s, h, w, oh, ow);
    float[] dx = new float[Shapes.numel(xShape)];
    float[] gd = gOut.data();
    int g = gOut.offset();
    for (int p = 0; p < planes; p++) {
      int plane = p * hw;
      for (int oy = 0; oy < oh; oy++) {
        int h0 = win.hLo[oy], h1 = win.hHi[oy];
        for (int ox = 0; ox < ow; ox++, g++) {
          int w0 = win.wLo[ox], w1 = win.wHi[ox];
          float share = gd[g] / win.divisor(oy, ox);
          for (int iy = h0; iy < h1; iy++) {
            int row = plane + iy * w;
            for (int ix = w0; ix < w1; ix++) dx[row + ix] += share;
          }
        }
      }
    }
    return NdArray.wrap(dx, xShape);
  }

  /**
   * Per output row and column: the in-bounds input range, and the window extent clipped only to the
   * padded input (what count_include_pad divides by), as PyTorch's avg_pool2d computes them.
   */
  private static final class AvgWindows {
    final int[] hLo, hHi, wLo, wHi, hPadded, wPadded;
    final boolean includePad;

    AvgWindows(Pool2dSpec s, int h, int w, int oh, int ow) {
      hLo = new int[oh];
      hHi = new int[oh];
      hPadded = new int[oh];
      wLo = new int[ow];
      wHi = new int[ow];
      wPadded = new int[ow];
      clip(oh, s.strideH(), s.padH(), s.kernelH(), h, hLo, hHi, hPadded);
      clip(ow, s.strideW(), s.padW(), s.kernelW(), w, wLo, wHi, wPadded);
      includePad = s.countIncludePad();
    }

    private static void clip(int outLen, int stride, int pad, int k, int in, int[] lo, int[] hi, int[] padded) {
      for (int o = 0; o < outLen; o++) {
        int start = o * stride - pad;
        int end = Math.min(start + k, in + pad);
        padded[o] = end - start;
        lo[o] = Math.max(start, 0);
        hi[o] = Math.max(lo[o], Math.min(end, in));
      }
    }

    int divisor(int oy, int ox) {
      return includePad ? hPadded[oy] * wPadded[ox] : (hHi[oy] - hLo[oy]) * (wHi[ox] - wLo[ox]);
    }
  }

  private static int outLen(int in, int k, int stride, int pad) {
    return (in + 2 * pad - k) / stride + 1;
  }

  /** PyTorch's pool2d shape rules, so a window can never be empty of real input (dilation aside). */
  private static void check(String op, int[] xs, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
    if (xs.length != 4) {
      throw new IllegalArgumentException(op + ": input must be 4-D [N, C, H, W], got " + Shapes.str(xs));
    }
    if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0) {
      throw new IllegalArgumentException(op + ": kernel, stride and dilation must be positive and padding "
          + "non-negative, got kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw
          + ", dilation " + dh + "x" + dw);
    }
    long spanH = (long) dh * (kh - 1) + 1, spanW = (long) dw * (kw - 1) + 1;
    if (2L * ph > spanH || 2L * pw > spanW) {
      throw new IllegalArgumentException(op + ": padding " + ph + "x" + pw + " must be at most half the kernel "
          + "extent " + spanH + "x" + spanW);
    }
    if (xs[2] + 2L * ph < spanH || xs[3] + 2L * pw < spanW) {
      throw new IllegalArgumentException(op + ": kernel extent " + spanH + "x" + spanW + " does not fit input "
          + Shapes.str(xs) + " padded by " + ph + "x" + pw);
    }
  }

  @Override
  public PoolResult maxPool2d(NdArray x, Pool2dSpec spec) {
    return max(Storage.dense(x), spec);
  }

  @Override
  public NdArray maxPool2dBackward(NdArray gOut, int[] argmax, int[] xShape) {
    return maxBackward(Storage.dense(gOut), argmax, xShape);
  }

  @Override
  public NdArray avgPool2d(NdArray x, Pool2dSpec spec) {
    return avg(Storage.dense(x), spec);
  }

  @Override
  public NdArray avgPool2dBackward(NdArray gOut, int[] xShape, Pool2dSpec spec) {
    return avgBackward(Storage.dense(gOut), xShape, spec);
  }
}
