package dev.backflow.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernel for 512-bit vectors: an 8 x 32 tile in 16 accumulator registers (of AVX-512's 32), one
 * broadcast of A and two loads of B per 2 fused multiply-adds, against 6 x 32's 8 loads per 12. Chosen where the JVM's
 * preferred vectors are 16 floats wide; AVX2's 16 registers hold only the 6 x 16 tile ({@link PanamaMicroKernel}).
 *
 * <p>It reads A packed (or transposed in place, each column's eight rows contiguous), never A's rows in place, so
 * {@link Gemm} packs row-major A for it in a pass of its own and gives it only large products (512+ each way), where
 * that pass is paid back: 1024³ on a Zen 5 VM (README, tenth session) two threads +15% when the host's neighbour slows
 * a vCPU, −3% quiet; the GPT's small attention products lost up to a third. Each element of C is the same chain of
 * FMAs, in the same order, as in the 6-row tile: the same bits.
 */
final class PanamaTallMicroKernel implements MicroKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
  private static final int L = S.length();
  static final int MR = 8, NR = 2 * L;
  private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);
  private static final ThreadLocal<float[][]> PANEL = ThreadLocal.withInitial(() -> new float[][] {new float[0]});
  // B's transposed packing and the bias add depend on the panel width alone, which the two kernels share.
  private final PanamaMicroKernel sameWidth;

  /** Beside {@code sameWidth}, the 6-row tile of the same panel width, whose B packing and bias add it uses. */
  PanamaTallMicroKernel(PanamaMicroKernel sameWidth) {
    if (sameWidth.nr() != NR) throw new IllegalStateException("the tall kernel needs 512-bit preferred vectors");
    this.sameWidth = sameWidth;
  }

  /** Whether this JVM's preferred vectors are the 16-float ones this kernel is written for. */
  static boolean fits() {
    return FloatVector.SPECIES_PREFERRED.length() == 16;
  }

  @Override public int mr() { return MR; }
  @Override public int nr() { return NR; }
  @Override public String name() { return "Vector API " + MR + "x" + NR + " (" + S + ")"; }
  @Override public boolean readsRowsInPlace() { return false; }

  @Override
  public void compute(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc,
                      boolean accumulate, int rows, int cols) {
    // A with rows in place, or a short panel read in place (whose missing rows may lie past the array's end): packed
    // into this thread's scratch first, zero-padded. The GEMM never calls it so; other callers stay correct.
    if (aRow != 1 || (rows < MR && aStep != MR)) {
      float[] panel = panel(MR * kc);
      Gemm.packA(rows, kc, MR, ap, aOff, aRow, aStep, panel, 0);
      ap = panel;
      aOff = 0;
      aStep = MR;
    }
    if (rows == MR && cols == NR) {
      byColumns(kc, ap, aOff, aStep, bp, bOff, c, cOff, ldc, accumulate);
      return;
    }
    // Edge tile: the whole tile into this thread's scratch (no allocation per tile), then its valid part.
    float[] t = EDGE.get();
    byColumns(kc, ap, aOff, aStep, bp, bOff, t, 0, NR, false);
    PanamaMicroKernel.writeEdge(t, NR, c, cOff, ldc, accumulate, rows, cols);
  }

  /**
   * A full tile with each column of A's eight rows contiguous: element (i, p) at ap[aOff + p*aStep + i]. A packed
   * panel (aStep 8), or A transposed and read in place (a weight gradient's Xᵀ). No vector crosses a method boundary
   * (a helper C2 leaves out of line boxes its vector arguments), hence the written-out accumulators. Accumulating
   * tiles add C as fma(1, C, sum), the bits of C + sum: with {@code add} beside {@code fma}, 4 JVMs in 24 compiled this
   * loop with class-check traps on the operator and ran 1024³ at half speed for life (0 in 67 with one operator).
   */
  private static void byColumns(int kc, float[] ap, int aOff, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc,
                                boolean accumulate) {
    FloatVector z = FloatVector.zero(S), ONE = FloatVector.broadcast(S, 1f);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
    FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
    for (int p = 0; p < kc; p++) {
      int a = aOff + p * aStep, b = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
      FloatVector av = FloatVector.broadcast(S, ap[a]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, ap[a + 1]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, ap[a + 2]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, ap[a + 3]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, ap[a + 4]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, ap[a + 5]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
      av = FloatVector.broadcast(S, ap[a + 6]);
      c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
      av = FloatVector.broadcast(S, ap[a + 7]);
      c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
    }
    if (accumulate) {
      ONE.fma(FloatVector.fromArray(S, c, cOff), c00).intoArray(c, cOff);
      ONE.fma(FloatVector.fromArray(S, c, cOff + L), c01).intoArray(c, cOff + L);
      ONE.fma(FloatVector.fromArray(S, c, cOff + ldc), c10).intoArray(c, cOff + ldc);
      ONE.fma(FloatVector.fromArray(S, c, cOff + ldc + L), c11).intoArray(c, cOff + ldc + L);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 2 * ldc), c20).intoArray(c, cOff + 2 * ldc);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 2 * ldc + L), c21).intoArray(c, cOff + 2 * ldc + L);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 3 * ldc), c30).intoArray(c, cOff + 3 * ldc);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 3 * ldc + L), c31).intoArray(c, cOff + 3 * ldc + L);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 4 * ldc), c40).intoArray(c, cOff + 4 * ldc);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 4 * ldc + L), c41).intoArray(c, cOff + 4 * ldc + L);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 5 * ldc), c50).intoArray(c, cOff + 5 * ldc);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 5 * ldc + L), c51).intoArray(c, cOff + 5 * ldc + L);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 6 * ldc), c60).intoArray(c, cOff + 6 * ldc);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 6 * ldc + L), c61).intoArray(c, cOff + 6 * ldc + L);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 7 * ldc), c70).intoArray(c, cOff + 7 * ldc);
      ONE.fma(FloatVector.fromArray(S, c, cOff + 7 * ldc + L), c71).intoArray(c, cOff + 7 * ldc + L);
    } else {
      c00.intoArray(c, cOff);
      c01.intoArray(c, cOff + L);
      c10.intoArray(c, cOff + ldc);
      c11.intoArray(c, cOff + ldc + L);
      c20.intoArray(c, cOff + 2 * ldc);
      c21.intoArray(c, cOff + 2 * ldc + L);
      c30.intoArray(c, cOff + 3 * ldc);
      c31.intoArray(c, cOff + 3 * ldc + L);
      c40.intoArray(c, cOff + 4 * ldc);
      c41.intoArray(c, cOff + 4 * ldc + L);
      c50.intoArray(c, cOff + 5 * ldc);
      c51.intoArray(c, cOff + 5 * ldc + L);
      c60.intoArray(c, cOff + 6 * ldc);
      c61.intoArray(c, cOff + 6 * ldc + L);
      c70.intoArray(c, cOff + 7 * ldc);
      c71.intoArray(c, cOff + 7 * ldc + L);
    }
  }

  /** This thread's scratch panel, at least {@code length} long. */
  private static float[] panel(int length) {
    float[][] holder = PANEL.get();
    if (holder[0].length < length) holder[0] = new float[length];
    return holder[0];
  }

  @Override
  public boolean packTransposedPanel(int kc, float[] b, int off, int bCol, float[] dst, int d) {
    return sameWidth.packTransposedPanel(kc, b, off, bCol, dst, d);
  }

  @Override
  public void addBias(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff) {
    sameWidth.addBias(c, cOff, ldc, rows, cols, bias, biasOff);
  }
}
