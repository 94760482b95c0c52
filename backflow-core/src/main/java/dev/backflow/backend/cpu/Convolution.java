package dev.backflow.backend.cpu;

import dev.backflow.backend.Conv2dSpec;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.ConvolutionKernels;
import dev.backflow.backend.Shapes;

/**
 * 2-D convolution (cross-correlation, as torch.nn.functional.conv2d) as im2col + GEMM, one image and one
 * group at a time. Per image n and group g, with K = C/groups * kh * kw and L = OH * OW:
 *
 * <pre>
 *   forward          out[Og, L]  = W[Og, K]   x col[K, L]
 *   backwardInput    dcol[K, L]  = W^T[K, Og] x gOut[Og, L], then col2im
 *   backwardWeight   dW[Og, K]  += gOut[Og, L] x col^T[L, K]
 * </pre>
 *
 * Transposed operands are read through GEMM strides rather than copied. A 1x1, stride-1, unpadded kernel
 * skips im2col altogether: the input plane already is the column matrix. Arrays arrive contiguous
 * (CpuBackend passes contiguous()), so only their offset needs adding.
 */
final class Convolution implements ConvolutionKernels {
  private final Gemm gemm;

  Convolution(Gemm gemm) {
    this.gemm = gemm;
  }


  /** Validated geometry shared by the three entry points. */
  private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int groups,
                          int sh, int sw, int ph, int pw, int dh, int dw) {
    int cg() { return c / groups; }
    int og() { return o / groups; }
    int k() { return cg() * kh * kw; }
    int l() { return oh * ow; }

    /** im2col would copy the input verbatim, so the GEMM can read the input itself. */
    boolean pointwise() { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
  }

  static NdArray forward(Gemm gemm, NdArray x, NdArray w, NdArray bias, Conv2dSpec spec) {
    Geometry g = geometry("conv2d", x.shape(), w.shape(), spec);
    if (bias != null && (bias.rank() != 1 || bias.size() != g.o)) {
      throw new IllegalArgumentException("conv2d: bias must have shape [" + g.o + "], got " + bias);
    }
    float[] bd = bias == null ? null : bias.data();
    int bo = bias == null ? 0 : bias.offset();
    float[] out = new float[g.n * g.o * g.l()];
    int k = g.k(), l = g.l(), og = g.og(), cg = g.cg(), hw = g.h * g.w;
    float[] xd = x.data(), wd = w.data();
    // Images are independent: each thread takes whole images with its own im2col buffer.
    forImages(g, next -> {
      float[] col = g.pointwise() ? null : new float[k * l];
      for (int n; (n = next.getAsInt()) >= 0; ) {
        for (int grp = 0; grp < g.groups; grp++) {
          int xPlane = x.offset() + (n * g.c + grp * cg) * hw;
          int wOff = w.offset() + grp * og * k;
          int outOff = (n * g.o + grp * og) * l;
          if (col == null) {
            gemm.multiplySingleThread(og, l, k, wd, wOff, k, 1, xd, xPlane, hw, 1, out, outOff, l, false);
          } else {
            im2col(g, xd, xPlane, col);
            gemm.multiplySingleThread(og, l, k, wd, wOff, k, 1, col, 0, l, 1, out, outOff, l, false);
          }
          if (bd != null) {
            for (int o = 0; o < og; o++) {
              float bv = bd[bo + grp * og + o];
              for (int i = outOff + o * l, end = i + l; i < end; i++) out[i] += bv;
            }
          }
        }
      }
    });
    return NdArray.wrap(out, g.n, g.o, g.oh, g.ow);
  }

  static NdArray backwardInput(Gemm gemm, NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec) {
    Geometry g = geometry("conv2dBackwardInput", xShape, w.shape(), spec);
    checkGradOut("conv2dBackwardInput", g, gOut);
    float[] dx = new float[Shapes.numel(xShape)];
    int k = g.k(), l = g.l(), og = g.og(), cg = g.cg(), hw = g.h * g.w;
    float[] gd = gOut.data(), wd = w.data();
    forImages(g, next -> {
      float[] col = g.pointwise() ? null : new float[k * l];
      for (int n; (n = next.getAsInt()) >= 0; ) {
        for (int grp = 0; grp < g.groups; grp++) {
          // W_g^T: element (kIdx, o) sits at o*K + kIdx, so row stride 1 and column stride K.
          int wOff = w.offset() + grp * og * k;
          int gOff = gOut.offset() + (n * g.o + grp * og) * l;
          int dxPlane = (n * g.c + grp * cg) * hw;
          if (col == null) {
            // Groups own disjoint channels, so each product writes its own slice of dx exactly once.
            gemm.multiplySingleThread(k, l, og, wd, wOff, 1, k, gd, gOff, l, 1, dx, dxPlane, l, false);
          } else {
            gemm.multiplySingleThread(k, l, og, wd, wOff, 1, k, gd, gOff, l, 1, col, 0, l, false);
            col2im(g, col, dx, dxPlane);
          }
        }
      }
    });
    return NdArray.wrap(dx, xShape);
  }

  static NdArray backwardWeight(Gemm gemm, NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec) {
    Geometry g = geometry("conv2dBackwardWeight", x.shape(), wShape, spec);
    checkGradOut("conv2dBackwardWeight", g, gOut);
    int size = Shapes.numel(wShape);
    int k = g.k(), l = g.l(), og = g.og(), cg = g.cg(), hw = g.h * g.w;
    float[] gd = gOut.data(), xd = x.data();
    int tasks = imageTasks(g);
    // Each thread sums its images into its own partial; partials are added in task order, so the result
    // depends only on the thread count, never on timing.
    float[][] partial = new float[tasks][];
    // dW = G colᵀ has K columns and packs colᵀ (K x L per image); dWᵀ = col Gᵀ has Og columns and packs Gᵀ
    // (Og x L). Take the transposed form when Og fills the GEMM's panels better (K = 9 against Og = 32), or
    // as well but with less to pack (Og = 64 against K = 288), per group as [K, Og], transposed once at the end.
    int nr = gemm.nr();
    boolean transposed = panelUse(k, nr) < panelUse(og, nr) || (panelUse(k, nr) == panelUse(og, nr) && og < k);
    Parallel.forEach(tasks, t -> {
      int from = (int) ((long) g.n * t / tasks), to = (int) ((long) g.n * (t + 1) / tasks);
      float[] dw = new float[size];
      float[] col = g.pointwise() ? null : new float[k * l];
      for (int n = from; n < to; n++) {
        for (int grp = 0; grp < g.groups; grp++) {
          int gOff = gOut.offset() + (n * g.o + grp * og) * l;
          int dwOff = grp * og * k;
          int xPlane = x.offset() + (n * g.c + grp * cg) * hw;
          float[] src = xd;
          int srcOff = xPlane, srcRow = hw;
          if (col != null) {
            im2col(g, xd, xPlane, col);
            src = col;
            srcOff = 0;
            srcRow = l;
          }
          if (transposed) {
            // dWᵀ[K, Og] += col[K, L] Gᵀ[L, Og]: Gᵀ's element (lIdx, o) sits at o*L + lIdx.
            gemm.multiplySingleThread(k, og, l, src, srcOff, srcRow, 1, gd, gOff, 1, l, dw, dwOff, og, n > from);
          } else {
            // col^T: element (lIdx, kIdx) sits at kIdx*L + lIdx, so row stride 1 and column stride L.
            gemm.multiplySingleThread(og, k, l, gd, gOff, l, 1, src, srcOff, 1, srcRow, dw, dwOff, k, n > from);
          }
        }
      }
      partial[t] = dw;
    });
    float[] dw = partial[0];
    for (int t = 1; t < tasks; t++) {
      float[] p = partial[t];
      for (int i = 0; i < size; i++) dw[i] += p[i];
    }
    if (transposed) {
      float[] out = new float[size];
      for (int grp = 0; grp < g.groups; grp++) {
        int base = grp * og * k;
        for (int p = 0; p < k; p++) for (int o = 0; o < og; o++) out[base + o * k + p] = dw[base + p * og + o];
      }
      dw = out;
    }
    return NdArray.wrap(dw, wShape);
  }


  /** Share of an nr-wide panel grid that n columns fill. */
  private static double panelUse(int n, int nr) {
    return (double) n / ((n + nr - 1) / nr * nr);
  }

  /** Threads worth using: one per core when there are several images and enough work per image. */
  private static int imageTasks(Geometry g) {
    long work = (long) g.n * g.o * g.l() * g.k();
    return work < (1L << 18) ? 1 : Math.max(1, Math.min(Parallel.threads(), g.n));
  }

  /**
   * Images are independent: each thread claims the next image as it finishes one (its own im2col buffer
   * set up once), so a slowed thread does not hold the other up; each image's output is the same whoever
   * computes it.
   */
  private static void forImages(Geometry g, java.util.function.Consumer<java.util.function.IntSupplier> body) {
    Parallel.forEachClaiming(g.n, imageTasks(g), body);
  }

  /**
   * Fills col[K, L] from the group's input channels starting at xPlane: row (c, i, j) holds, for each
   * output position, the input pixel under kernel tap (i, j), or 0 where the tap lies in the padding.
   */
  /**
   * Copies the taps of one image into col [K, L]. Entries whose tap falls in the padding are never
   * written: col must hold zeros there, which a fresh buffer does and every later im2col of the same
   * geometry leaves so (callers use each buffer for im2col only), so no image pays for zero-filling.
   */
  private static void im2col(Geometry g, float[] xd, int xPlane, float[] col) {
    int l = g.l(), ow = g.ow, inW = g.w, sw = g.sw;
    int row = 0;
    for (int c = 0; c < g.cg(); c++) {
      int chan = xPlane + c * g.h * inW;
      for (int i = 0; i < g.kh; i++) {
        int hOff = i * g.dh - g.ph;
        for (int j = 0; j < g.kw; j++, row++) {
          int wOff = j * g.dw - g.pw;
          // Output columns whose tap lands inside the row: computed once per tap, not per pixel.
          int lo = firstInside(wOff, sw, ow), hi = endInside(wOff, sw, inW, ow);
          int dst = row * l;
          for (int oy = 0; oy < g.oh; oy++, dst += ow) {
            int iy = oy * g.sh + hOff;
            if (iy < 0 || iy >= g.h) continue;
            int src = chan + iy * inW + lo * sw + wOff;
            if (sw == 1) {
              // hi == lo when the tap lies wholly in the padding; src may then point outside xd
              if (hi > lo) System.arraycopy(xd, src, col, dst + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++, src += sw) col[dst + ox] = xd[src];
            }
          }
        }
      }
    }
  }

  /** The adjoint of im2col: adds each col entry back onto the input pixel it was copied from. */
  private static void col2im(Geometry g, float[] col, float[] dx, int dxPlane) {
    int l = g.l(), ow = g.ow, inW = g.w, sw = g.sw;
    int row = 0;
    for (int c = 0; c < g.cg(); c++) {
      int chan = dxPlane + c * g.h * inW;
      for (int i = 0; i < g.kh; i++) {
        int hOff = i * g.dh - g.ph;
        for (int j = 0; j < g.kw; j++, row++) {
          int wOff = j * g.dw - g.pw;
          int lo = firstInside(wOff, sw, ow), hi = endInside(wOff, sw, inW, ow);
          int srcRow = row * l;
          for (int oy = 0; oy < g.oh; oy++, srcRow += ow) {
            int iy = oy * g.sh + hOff;
            if (iy < 0 || iy >= g.h) continue;
            int dst = chan + iy * inW + lo * sw + wOff;
            for (int ox = lo; ox < hi; ox++, dst += sw) dx[dst] += col[srcRow + ox];
          }
        }
      }
    }
  }

  /** Smallest output index o (clamped to [0, outLen]) with o*stride + off >= 0. */
  static int firstInside(int off, int stride, int outLen) {
    return Math.min(outLen, Math.max(0, -Math.floorDiv(off, stride)));
  }

  /** One past the largest output index o (clamped to [first, outLen]) with o*stride + off < inLen. */
  static int endInside(int off, int stride, int inLen, int outLen) {
    int end = Math.min(outLen, Math.floorDiv(inLen - 1 - off, stride) + 1);
    return Math.max(end, firstInside(off, stride, outLen));
  }

  // The conv2d op has checked the shapes and spec in the user's terms; here they are only asserted.
  private static Geometry geometry(String op, int[] xShape, int[] wShape, Conv2dSpec s) {
    assert xShape.length == 4 && wShape.length == 4 && s.groups() >= 1 && xShape[1] == wShape[1] * s.groups()
        && wShape[0] % s.groups() == 0 : op + ": shapes " + Shapes.str(xShape) + " and " + Shapes.str(wShape) + " unchecked";
    int c = xShape[1], o = wShape[0], kh = wShape[2], kw = wShape[3];
    return new Geometry(xShape[0], c, xShape[2], xShape[3], o, kh, kw, s.outH(xShape[2], kh), s.outW(xShape[3], kw),
        s.groups(), s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW());
  }

  private static void checkGradOut(String op, Geometry g, NdArray gOut) {
    int[] gs = gOut.shape();
    assert gs.length == 4 && gs[0] == g.n && gs[1] == g.o && gs[2] == g.oh && gs[3] == g.ow
        : op + ": output gradient " + Shapes.str(gs) + " does not match the convolution";
  }

  @Override
  public NdArray conv2d(NdArray x, NdArray w, NdArray bias, Conv2dSpec spec) {
    return forward(gemm, Storage.dense(x), Storage.dense(w), bias == null ? null : Storage.dense(bias), spec);
  }

  @Override
  public NdArray conv2dBackwardInput(NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec) {
    return backwardInput(gemm, Storage.dense(gOut), Storage.dense(w), xShape, spec);
  }

  @Override
  public NdArray conv2dBackwardWeight(NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec) {
    return backwardWeight(gemm, Storage.dense(gOut), Storage.dense(x), wShape, spec);
  }
}
