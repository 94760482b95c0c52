package dev.backflow.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.backflow.backend.cpu.CpuBackend;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Copies of permuted views (the tiled transpose path and the general strided walk) against element reads. */
class CopyTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(new int[] {37, 53}, new int[] {1, 0}),
        Arguments.of(new int[] {16, 16}, new int[] {1, 0}),
        Arguments.of(new int[] {3, 17, 40}, new int[] {0, 2, 1}),
        Arguments.of(new int[] {4, 9, 5, 33}, new int[] {0, 2, 1, 3}),
        Arguments.of(new int[] {4, 9, 5, 33}, new int[] {0, 3, 2, 1}),
        Arguments.of(new int[] {2, 3, 64, 32}, new int[] {0, 2, 3, 1}),
        Arguments.of(new int[] {5, 70}, new int[] {1, 0}));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void copyOfPermutedViewHoldsTheViewsElementsInOrder(int[] shape, int[] perm) {
    SplittableRandom rng = new SplittableRandom(shape.length * 7919L + perm[perm.length - 1]);
    int n = Shapes.numel(shape);
    float[] data = new float[n + 3];
    for (int i = 0; i < data.length; i++) data[i] = (float) rng.nextGaussian();
    // An offset view, so tiles must add the view's offset.
    NdArray base = new NdArray(data, 3, shape, Shapes.contiguousStrides(shape)).permute(perm);
    for (Backend be : new Backend[] {new CpuBackend(), CpuBackend.scalar()}) {
      NdArray copy = be.storage().copy(base);
      int[] s = base.shape();
      float[] expect = new float[n];
      int[] idx = new int[s.length];
      for (int flat = 0; flat < n; flat++) {
        expect[flat] = base.get(idx);
        for (int d = s.length - 1; d >= 0; d--) {
          if (++idx[d] < s[d]) break;
          idx[d] = 0;
        }
      }
      float[] got = new float[n];
      System.arraycopy(copy.data(), copy.offset(), got, 0, n);
      assertArrayEquals(expect, got, 0f, be + " copy of shape " + java.util.Arrays.toString(shape) + " permuted " + java.util.Arrays.toString(perm));
    }
  }
}
