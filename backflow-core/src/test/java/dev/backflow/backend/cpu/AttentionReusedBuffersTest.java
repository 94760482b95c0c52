package dev.backflow.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.backflow.backend.AttentionKernels;
import dev.backflow.backend.NdArray;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Attention's weights and gradients are written into arrays from this thread's pool, which hold whatever their last
 * use left: every element must be written (the causal mask's zeros, keys no query sees), so a pool full of NaN gives
 * the bits of a pool full of nothing.
 */
class AttentionReusedBuffersTest {
  private final AttentionKernels kernels = new CpuBackend().attention();

  @Test
  void separateQueriesKeysAndValues() {
    // Causal with as many queries as keys and long enough for two row blocks; causal with fewer queries than keys (the
    // last keys are seen by no query); no mask. Every array is above the pool's minimum length.
    int[][] shapes = {{2, 3, 64, 64, 16, 1}, {4, 4, 20, 36, 16, 1}, {4, 4, 20, 30, 16, 0}};
    for (int[] s : shapes) {
      int b = s[0], h = s[1], tq = s[2], tk = s[3], d = s[4];
      boolean causal = s[5] == 1;
      SplittableRandom rng = new SplittableRandom(tq * 31 + tk);
      NdArray q = random(rng, b, h, tq, d), k = random(rng, b, h, tk, d), v = random(rng, b, h, tk, d);
      NdArray g = random(rng, b, h, tq, d);
      float[][] clean = run(q, k, v, g, causal);
      fillPool(b * h * tq * d, b * h * tk * d, b * h * tq * tk);
      float[][] reused = run(q, k, v, g, causal);
      for (int i = 0; i < clean.length; i++) assertArrayEquals(clean[i], reused[i], Arrays.toString(s) + " result " + i);
    }
  }

  @Test
  void packedSelfAttention() {
    int b = 2, t = 64, c = 64, heads = 4;
    SplittableRandom rng = new SplittableRandom(5);
    NdArray qkv = random(rng, b, t, 3 * c), g = random(rng, b, t, c);
    float[][] clean = runPacked(qkv, g, heads);
    fillPool(b * t * c, b * t * 3 * c, b * heads * t * t);
    float[][] reused = runPacked(qkv, g, heads);
    for (int i = 0; i < clean.length; i++) assertArrayEquals(clean[i], reused[i], "result " + i);
  }

  private float[][] run(NdArray q, NdArray k, NdArray v, NdArray g, boolean causal) {
    NdArray[] out = kernels.attention(q, k, v, 0.25f, causal);
    NdArray[] grads = kernels.attentionBackward(g, q, k, v, out[1], 0.25f, causal);
    return new float[][] {out[0].data().clone(), out[1].data().clone(), grads[0].data().clone(), grads[1].data().clone(),
        grads[2].data().clone()};
  }

  private float[][] runPacked(NdArray qkv, NdArray g, int heads) {
    NdArray[] out = kernels.selfAttention(qkv, heads, 0.125f, true);
    NdArray dqkv = kernels.selfAttentionBackward(g, qkv, out[1], heads, 0.125f, true);
    return new float[][] {out[0].data().clone(), out[1].data().clone(), dqkv.data().clone()};
  }

  /** Several NaN-filled arrays of each length into this thread's pool. */
  private static void fillPool(int... lengths) {
    for (int n : lengths) {
      for (int i = 0; i < 3; i++) {
        float[] junk = new float[n];
        Arrays.fill(junk, Float.NaN);
        BufferPool.give(junk);
      }
    }
  }

  private static NdArray random(SplittableRandom rng, int... shape) {
    int n = 1;
    for (int s : shape) n *= s;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
    return NdArray.wrap(x, shape);
  }
}
