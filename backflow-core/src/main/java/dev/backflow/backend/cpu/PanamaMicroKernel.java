package dev.backflow.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernel: a 6 x (2 vectors) tile held in 12 accumulator registers, one broadcast of A
 * and two loads of B per step, all fused multiply-adds. Loaded only when jdk.incubator.vector is present.
 * With AVX-512 the tile is 6 x 32, with AVX2 6 x 16.
 */
final class PanamaMicroKernel implements MicroKernel {
  // The widest vectors the CPU has (16 floats with AVX-512, 8 with AVX2), but never narrower than 8.
  private static final VectorSpecies<Float> S =
      FloatVector.SPECIES_PREFERRED.length() >= 8 ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_256;
  private static final int L = S.length();
  static final int MR = 6, NR = 2 * L;
  private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);
  private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[NR]);

  @Override public int mr() { return MR; }
  @Override public int nr() { return NR; }
  @Override public String name() { return "Vector API " + MR + "x" + NR + " (" + S + ")"; }

  @Override
  public void compute(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc,
                      boolean accumulate, int rows, int cols) {
    // Each layout of A has its own loop, and full tiles their own call: one loop serving all of them was
    // compiled, trapped on the next layout or tile shape and recompiled, several times a run, and which
    // profile the last compile saw decided between 85 and 140 GFLOPS on one core (run to run, same build).
    // No vector crosses a method boundary here: a helper C2 leaves out of line boxes its vector arguments.
    // Accumulating tiles add C as fma(1, C, sum), the bits of C + sum, so the tiles use one lanewise operator: with
    // add beside fma, some JVMs compiled them with class-check traps on the operator and ran at half speed for life.
    if (rows == MR && cols == NR) {
      if (aRow == 1) byColumns(kc, ap, aOff, aStep, bp, bOff, c, cOff, ldc, accumulate);
      else if (aStep == 1) byRows(kc, ap, aOff, aRow, bp, bOff, c, cOff, ldc, accumulate);
      else strided(kc, ap, aOff, aRow, aStep, bp, bOff, c, cOff, ldc, accumulate, MR, NR);
      return;
    }
    // Edge tile: the whole tile into this thread's scratch (no allocation per tile), then its valid part. A
    // panel of fewer than six rows is always packed with zeros below, so six rows can be read.
    float[] t = EDGE.get();
    if (aRow == 1 && (rows == MR || aStep == MR)) byColumns(kc, ap, aOff, aStep, bp, bOff, t, 0, NR, false);
    else if (aStep == 1 && rows == MR) byRows(kc, ap, aOff, aRow, bp, bOff, t, 0, NR, false);
    else {
      strided(kc, ap, aOff, aRow, aStep, bp, bOff, c, cOff, ldc, accumulate, rows, cols);
      return;
    }
    writeEdge(t, NR, c, cOff, ldc, accumulate, rows, cols);
  }

  /**
   * A full tile with each column of A's six rows contiguous: element (i, p) at ap[aOff + p*aStep + i]. A
   * packed panel (aStep 6), or A transposed and read in place (a weight gradient's Xᵀ).
   */
  private static void byColumns(int kc, float[] ap, int aOff, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc,
                                boolean accumulate) {
    FloatVector z = FloatVector.zero(S), ONE = FloatVector.broadcast(S, 1f);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
    FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
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
    }
  }

  /** A full tile with A read in place, each row contiguous: element (i, p) at ap[aOff + i*aRow + p]. */
  private static void byRows(int kc, float[] ap, int aOff, int aRow, float[] bp, int bOff, float[] c, int cOff, int ldc,
                             boolean accumulate) {
    FloatVector z = FloatVector.zero(S), ONE = FloatVector.broadcast(S, 1f);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
    FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
    int r1 = aRow, r2 = 2 * aRow, r3 = 3 * aRow, r4 = 4 * aRow, r5 = 5 * aRow;
    for (int p = 0; p < kc; p++) {
      int a = aOff + p, b = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
      FloatVector av = FloatVector.broadcast(S, ap[a]);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, ap[a + r1]);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, ap[a + r2]);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, ap[a + r3]);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, ap[a + r4]);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, ap[a + r5]);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
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
    }
  }

  @Override
  public void computePacking(int kc, float[] ap, int aOff, int aRow, float[] bp, int bOff, float[] c, int cOff, int ldc,
                             boolean accumulate, float[] packed, int packOff) {
    // byRows with a store of each element of A beside its broadcast: the stores ride in the slack of an FMA-bound
    // loop, where a separate packing pass cost about as much as the packed reads then saved. Its epilogue repeats
    // byRows' on purpose: a helper taking the twelve accumulators would box them where C2 leaves it out of line.
    FloatVector z = FloatVector.zero(S), ONE = FloatVector.broadcast(S, 1f);
    FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
    FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
    int r1 = aRow, r2 = 2 * aRow, r3 = 3 * aRow, r4 = 4 * aRow, r5 = 5 * aRow;
    for (int p = 0; p < kc; p++) {
      int a = aOff + p, b = bOff + p * NR, q = packOff + p * MR;
      FloatVector b0 = FloatVector.fromArray(S, bp, b);
      FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
      float x0 = ap[a], x1 = ap[a + r1], x2 = ap[a + r2], x3 = ap[a + r3], x4 = ap[a + r4], x5 = ap[a + r5];
      packed[q] = x0;
      packed[q + 1] = x1;
      packed[q + 2] = x2;
      packed[q + 3] = x3;
      packed[q + 4] = x4;
      packed[q + 5] = x5;
      FloatVector av = FloatVector.broadcast(S, x0);
      c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, x1);
      c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, x2);
      c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, x3);
      c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, x4);
      c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, x5);
      c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
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
    }
  }

  /** The valid rows x cols of an edge tile computed whole into scratch t (row stride nr), into C. */
  static void writeEdge(float[] t, int nr, float[] c, int cOff, int ldc, boolean accumulate, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
      int ci = cOff + i * ldc;
      for (int j = 0; j < cols; j++) c[ci + j] = accumulate ? c[ci + j] + t[i * nr + j] : t[i * nr + j];
    }
  }

  /** Any other layout (the GEMM makes none): two vectors of one row at a time, through a scratch row. */
  private static void strided(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff,
                              int ldc, boolean accumulate, int rows, int cols) {
    float[] t = ROW.get();
    for (int i = 0; i < rows; i++) {
      FloatVector s0 = FloatVector.zero(S), s1 = s0;
      for (int p = 0, a = aOff + i * aRow, b = bOff; p < kc; p++, a += aStep, b += NR) {
        FloatVector av = FloatVector.broadcast(S, ap[a]);
        s0 = av.fma(FloatVector.fromArray(S, bp, b), s0);
        s1 = av.fma(FloatVector.fromArray(S, bp, b + L), s1);
      }
      s0.intoArray(t, 0);
      s1.intoArray(t, L);
      int ci = cOff + i * ldc;
      for (int j = 0; j < cols; j++) c[ci + j] = accumulate ? c[ci + j] + t[j] : t[j];
    }
  }

  @Override
  public boolean packTransposedPanel(int kc, float[] b, int off, int bCol, float[] dst, int d) {
    // Gathers: lane j of row p reads b[off + j*bCol + p]; one gather per half row instead of nr scalar moves.
    if ((long) (NR - 1) * bCol + kc >= Integer.MAX_VALUE) return false;
    int[] lanes = new int[L];
    for (int j = 0; j < L; j++) lanes[j] = j * bCol;
    int second = off + L * bCol;
    for (int p = 0; p < kc; p++, d += NR) {
      FloatVector.fromArray(S, b, off + p, lanes, 0).intoArray(dst, d);
      FloatVector.fromArray(S, b, second + p, lanes, 0).intoArray(dst, d + L);
    }
    return true;
  }

  @Override
  public void addBias(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff) {
    if (cols != NR) {
      MicroKernel.super.addBias(c, cOff, ldc, rows, cols, bias, biasOff);
      return;
    }
    // A full-width tile: the bias row's two vectors loaded once, each row of C read, added and written back.
    FloatVector b0 = FloatVector.fromArray(S, bias, biasOff), b1 = FloatVector.fromArray(S, bias, biasOff + L);
    for (int i = 0, ci = cOff; i < rows; i++, ci += ldc) {
      FloatVector.fromArray(S, c, ci).add(b0).intoArray(c, ci);
      FloatVector.fromArray(S, c, ci + L).add(b1).intoArray(c, ci + L);
    }
  }
}
