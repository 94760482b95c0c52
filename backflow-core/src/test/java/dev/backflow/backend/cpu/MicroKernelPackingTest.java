package dev.backflow.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tile that reads A's rows in place and packs them as it goes gives the bits the in-place tile gives, and leaves
 * the panel exactly where the packed tiles after it read it (column p at packOff + p*mr).
 */
class MicroKernelPackingTest {

  static List<MicroKernel> kernels() {
    List<MicroKernel> ks = new ArrayList<>();
    ks.add(new ScalarMicroKernel());
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      ks.add(new PanamaMicroKernel());
      if (new PanamaMicroKernel().nr() == PanamaTallMicroKernel.NR) ks.add(new PanamaTallMicroKernel(new PanamaMicroKernel()));
    }
    return ks;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void packingAsItReadsGivesTheInPlaceBitsAndThePackedLayout(MicroKernel k) {
    int mr = k.mr(), nr = k.nr(), lda = 301, ldc = nr + 5, packOff = 7;
    SplittableRandom rng = new SplittableRandom(42);
    for (int kc : new int[] {1, 17, 256}) {
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] a = random(rng, mr * lda + 3), b = random(rng, kc * nr), c0 = random(rng, mr * ldc);
        int aOff = 3;
        float[] inPlace = c0.clone(), packing = c0.clone(), packed = new float[packOff + mr * kc + 4];
        k.compute(kc, a, aOff, lda, 1, b, 0, inPlace, 0, ldc, accumulate, mr, nr);
        k.computePacking(kc, a, aOff, lda, b, 0, packing, 0, ldc, accumulate, packed, packOff);
        assertArrayEquals(inPlace, packing, "C, kc " + kc + ", accumulate " + accumulate);
        for (int p = 0; p < kc; p++) {
          for (int i = 0; i < mr; i++) {
            assertEquals(a[aOff + i * lda + p], packed[packOff + p * mr + i], "packed (" + i + ", " + p + ")");
          }
        }
        assertEquals(0f, packed[packOff - 1]);
        assertEquals(0f, packed[packOff + mr * kc]);
        // The packed copy read back as a packed panel gives the same bits again.
        float[] fromCopy = c0.clone();
        k.compute(kc, packed, packOff, 1, mr, b, 0, fromCopy, 0, ldc, accumulate, mr, nr);
        assertArrayEquals(inPlace, fromCopy, "C from the copy, kc " + kc);
      }
    }
  }

  private static float[] random(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
    return x;
  }
}
