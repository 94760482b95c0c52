package dev.backflow.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backflow.backend.cpu.CpuBackend;
import dev.backflow.backend.cpu.Parallel;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The packed GEMM against a naive triple loop, for every layout, on the SIMD kernel and its scalar twin. */
class GemmTest {

  static Stream<Arguments> cases() {
    int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {6, 16, 1}, {7, 17, 9}, {13, 33, 300}, {97, 65, 257}, {130, 20, 513}};
    Stream.Builder<Arguments> b = Stream.builder();
    for (Backend backend : new Backend[] {new CpuBackend(), CpuBackend.scalar()}) {
      for (int[] s : sizes) {
        for (boolean ta : new boolean[] {false, true}) {
          for (boolean tb : new boolean[] {false, true}) b.add(Arguments.of(backend, s[0], s[1], s[2], ta, tb));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} m={1} n={2} k={3} transA={4} transB={5}")
  @MethodSource("cases")
  void packedProductMatchesNaiveTripleLoop(Backend backend, int m, int n, int k, boolean ta, boolean tb) {
    SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
    int batch = 2;
    float[] a = random(rng, batch * m * k), bData = random(rng, batch * k * n);
    // Stored transposed when asked, then viewed back: the kernel must read the strides, not copy.
    NdArray av = ta ? NdArray.wrap(transposeEach(a, batch, m, k), batch, k, m).transpose(1, 2) : NdArray.wrap(a, batch, m, k);
    NdArray bv = tb ? NdArray.wrap(transposeEach(bData, batch, k, n), batch, n, k).transpose(1, 2) : NdArray.wrap(bData, batch, k, n);
    NdArray c = backend.linalg().bmm(av, bv);
    for (int t = 0; t < batch; t++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double expect = 0;
          for (int p = 0; p < k; p++) expect += (double) a[t * m * k + i * k + p] * bData[t * k * n + p * n + j];
          assertEquals(expect, c.get(t, i, j), 1e-4 * Math.max(1, Math.abs(expect)) + 1e-5 * k, "C[" + t + "," + i + "," + j + "]");
        }
      }
    }
  }

  static Stream<Arguments> linearCases() {
    // Products the GEMM splits by rows across threads, B packed once per slab for every share: a tall product
    // whose K spans two slabs, an odd number of column panels wider than one slab of B, and 65 logits.
    int[][] sizes = {{2048, 96, 300}, {60, 2080, 40}, {500, 65, 128}, {130, 20, 513}};
    Stream.Builder<Arguments> b = Stream.builder();
    for (Backend backend : new Backend[] {new CpuBackend(), CpuBackend.scalar()}) {
      for (int[] s : sizes) b.add(Arguments.of(backend, s[0], s[1], s[2]));
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} linear x[{1}, {3}] w[{2}, {3}]")
  @MethodSource("linearCases")
  void linearWithBiasMatchesNaiveAndGivesTheSameBitsOnOneThread(Backend backend, int m, int n, int k) {
    SplittableRandom rng = new SplittableRandom(m * 131L + n * 17L + k);
    float[] x = random(rng, m * k), w = random(rng, n * k), bias = random(rng, n);
    NdArray xv = NdArray.wrap(x, m, k), wv = NdArray.wrap(w, n, k), bv = NdArray.wrap(bias, n);
    float[] split = backend.linalg().linear(xv, wv, bv).data();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double expect = bias[j];
        for (int p = 0; p < k; p++) expect += (double) x[i * k + p] * w[j * k + p];
        assertEquals(expect, split[i * n + j], 1e-4 * Math.max(1, Math.abs(expect)) + 1e-5 * k, "y[" + i + "," + j + "]");
      }
    }
    int threads = Parallel.threads();
    Parallel.setThreads(1);
    try {
      assertArrayEquals(backend.linalg().linear(xv, wv, bv).data(), split, "one thread and " + threads + " differ");
    } finally {
      Parallel.setThreads(threads);
    }
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
    return x;
  }

  private static float[] transposeEach(float[] x, int batch, int rows, int cols) {
    float[] t = new float[x.length];
    for (int b = 0; b < batch; b++)
      for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) t[b * rows * cols + j * rows + i] = x[b * rows * cols + i * cols + j];
    return t;
  }
}
