package dev.backflow.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 8 x 32 tile (512-bit vectors) against the 6-row one: every element of C is the same chain of FMAs in the same
 * order, so every product must come out with the same bits, whatever A's layout (rows packed for the tall tile, columns
 * read in place, a strided view), edge tiles, accumulation, bias, k past one slab and the thread split. Runs on any
 * CPU with the Vector API (512-bit species are emulated where the hardware is narrower: slow, still exact).
 */
class TallMicroKernelTest {
  private static Gemm tall, six;

  @BeforeAll
  static void kernels() {
    org.junit.jupiter.api.Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "the Vector API module is not in this JVM (the plain-Java run)");
    PanamaMicroKernel wide = new PanamaMicroKernel();
    org.junit.jupiter.api.Assumptions.assumeTrue(wide.nr() == PanamaTallMicroKernel.NR,
        "the 6-row kernel here is " + wide.name() + ", not 32 wide: no like-for-like comparison");
    tall = new Gemm(new PanamaTallMicroKernel(new PanamaMicroKernel()));
    six = new Gemm(wide);
  }

  @Test
  void theTallTileGivesTheSixRowTilesBitsForEveryLayoutAndShape() {
    SplittableRandom rng = new SplittableRandom(11);
    int[][] shapes = {{1, 1, 1}, {8, 32, 7}, {7, 31, 5}, {9, 33, 300}, {64, 256, 784}, {65, 10, 128}, {130, 97, 513},
        {512, 64, 40}, {300, 700, 260}};
    for (int[] s : shapes) {
      int m = s[0], n = s[1], k = s[2];
      for (int layout = 0; layout < 3; layout++) {
        // 0: A row-major with padded rows; 1: A transposed (columns contiguous, a weight gradient's Xᵀ); 2: strided
        int lda = k + 3, aRow, aCol, size;
        if (layout == 0) { aRow = lda; aCol = 1; size = m * lda; }
        else if (layout == 1) { aRow = 1; aCol = m + 2; size = k * (m + 2); }
        else { aRow = 2 * k; aCol = 2; size = 2 * m * k; }
        float[] a = random(rng, size + 1), b = random(rng, k * n), bias = random(rng, n);
        for (boolean accumulate : new boolean[] {false, true}) {
          float[] c0 = random(rng, m * (n + 1));
          float[] fromTall = c0.clone(), fromSix = c0.clone();
          tall.multiply(m, n, k, a, 1, aRow, aCol, b, 0, n, 1, fromTall, 0, n + 1, accumulate, bias, 0);
          six.multiply(m, n, k, a, 1, aRow, aCol, b, 0, n, 1, fromSix, 0, n + 1, accumulate, bias, 0);
          String what = m + "x" + n + "x" + k + ", layout " + layout + ", accumulate " + accumulate;
          assertArrayEquals(fromSix, fromTall, what);
          float[] oneThread = c0.clone();
          tall.multiplySingleThread(m, n, k, a, 1, aRow, aCol, b, 0, n, 1, oneThread, 0, n + 1, accumulate);
          for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) oneThread[i * (n + 1) + j] += bias[j];
          assertArrayEquals(fromTall, oneThread, what + ", one thread");
          // And the right numbers: against a double-precision sum.
          for (int i = 0; i < m; i += Math.max(1, m / 5)) {
            for (int j = 0; j < n; j += Math.max(1, n / 5)) {
              double sum = accumulate ? c0[i * (n + 1) + j] : 0;
              for (int p = 0; p < k; p++) sum += (double) a[1 + i * aRow + p * aCol] * b[p * n + j];
              assertEquals(sum + bias[j], fromTall[i * (n + 1) + j], 1e-4 * (1 + Math.sqrt(k)), what + " at " + i + "," + j);
            }
          }
          // The column past C's last one is never written.
          for (int i = 0; i < m; i++) assertEquals(c0[i * (n + 1) + n], fromTall[i * (n + 1) + n], what);
        }
      }
    }
  }

  @Test
  void theBackendsPairOfKernelsGivesTheSameBitsAcrossTheLargeProductLine() {
    // The backend's GEMM: the 6-row tile, and the tall one for products of 512+ each way (the column split, then
    // the row split of a tall A), against the 6-row tile alone.
    PanamaMicroKernel wide = new PanamaMicroKernel();
    Gemm pair = new Gemm(wide, new PanamaTallMicroKernel(wide));
    SplittableRandom rng = new SplittableRandom(12);
    for (int[] s : new int[][] {{520, 530, 515}, {2000, 512, 512}, {511, 600, 600}}) {
      int m = s[0], n = s[1], k = s[2];
      for (boolean transposed : new boolean[] {false, true}) {
        float[] a = random(rng, m * k), b = random(rng, k * n), bias = random(rng, n);
        float[] fromPair = new float[m * n], fromSix = new float[m * n];
        int aRow = transposed ? 1 : k, aCol = transposed ? m : 1;
        pair.multiply(m, n, k, a, 0, aRow, aCol, b, 0, n, 1, fromPair, 0, n, false, bias, 0);
        six.multiply(m, n, k, a, 0, aRow, aCol, b, 0, n, 1, fromSix, 0, n, false, bias, 0);
        assertArrayEquals(fromSix, fromPair, m + "x" + n + "x" + k + (transposed ? ", A transposed" : ""));
      }
    }
  }

  @Test
  void aShortPanelReadInPlaceAtTheArraysEndIsPackedNotOverread() {
    // Five rows of A transposed in place, the last column at the very end of the array: reading eight rows would run
    // past it. The kernel packs such a panel (zero rows below) and writes only the five rows.
    PanamaTallMicroKernel k = new PanamaTallMicroKernel(new PanamaMicroKernel());
    SplittableRandom rng = new SplittableRandom(3);
    int kc = 9, rows = 5, nr = PanamaTallMicroKernel.NR, lda = 5;
    float[] a = random(rng, kc * lda), b = random(rng, kc * nr), c = new float[8 * nr];
    k.compute(kc, a, 0, 1, lda, b, 0, c, 0, nr, false, rows, nr);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < nr; j++) {
        double sum = 0;
        for (int p = 0; p < kc; p++) sum += (double) a[p * lda + i] * b[p * nr + j];
        assertEquals(sum, c[i * nr + j], 1e-5, "(" + i + ", " + j + ")");
      }
    }
    for (int i = rows * nr; i < c.length; i++) assertEquals(0f, c[i]);
  }

  @Test
  void rowMajorAIsPackedForTheTallTileAndReadInPlaceForTheSixRowOne() {
    assertFalse(new PanamaTallMicroKernel(new PanamaMicroKernel()).readsRowsInPlace());
    assertEquals(true, new PanamaMicroKernel().readsRowsInPlace());
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
    return x;
  }
}
