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

  @Override public int mr() { return MR; }
  @Override public int nr() { return NR; }
  @Override public String name() { return "Vector API " + MR + "x" + NR + " (" + S + ")"; }

  @Override
  public void compute(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc,
                      boolean accumulate, int rows, int cols) {
    // One zero vector shared by all twelve accumulators: with twelve separate zero() calls C2 sometimes
    // leaves one of them un-intrinsified, and then boxes that accumulator (a float[16] allocation) on
    // every step of the loop. That was the GEMM's run-to-run spread: 35 against 120+ GFLOPS per core.
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z;
    FloatVector c10 = z, c11 = z;
    FloatVector c20 = z, c21 = z;
    FloatVector c30 = z, c31 = z;
    FloatVector c40 = z, c41 = z;
    FloatVector c50 = z, c51 = z;
    int r1 = aRow, r2 = 2 * aRow, r3 = 3 * aRow, r4 = 4 * aRow, r5 = 5 * aRow;
    int a = aOff, b = bOff;
    for (int p = 0; p < kc; p++, a += aStep, b += NR) {
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
    if (rows == MR && cols == NR) {
      store(c00, c01, c, cOff, accumulate);
      store(c10, c11, c, cOff + ldc, accumulate);
      store(c20, c21, c, cOff + 2 * ldc, accumulate);
      store(c30, c31, c, cOff + 3 * ldc, accumulate);
      store(c40, c41, c, cOff + 4 * ldc, accumulate);
      store(c50, c51, c, cOff + 5 * ldc, accumulate);
      return;
    }
    // Edge tile: spill to this thread's scratch tile (no allocation per tile), then copy the valid part.
    float[] t = EDGE.get();
    c00.intoArray(t, 0); c01.intoArray(t, L);
    c10.intoArray(t, NR); c11.intoArray(t, NR + L);
    c20.intoArray(t, 2 * NR); c21.intoArray(t, 2 * NR + L);
    c30.intoArray(t, 3 * NR); c31.intoArray(t, 3 * NR + L);
    c40.intoArray(t, 4 * NR); c41.intoArray(t, 4 * NR + L);
    c50.intoArray(t, 5 * NR); c51.intoArray(t, 5 * NR + L);
    for (int i = 0; i < rows; i++) {
      int ci = cOff + i * ldc;
      for (int j = 0; j < cols; j++) c[ci + j] = accumulate ? c[ci + j] + t[i * NR + j] : t[i * NR + j];
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

  private static void store(FloatVector v0, FloatVector v1, float[] c, int off, boolean accumulate) {
    if (accumulate) {
      v0 = v0.add(FloatVector.fromArray(S, c, off));
      v1 = v1.add(FloatVector.fromArray(S, c, off + L));
    }
    v0.intoArray(c, off);
    v1.intoArray(c, off + L);
  }
}
