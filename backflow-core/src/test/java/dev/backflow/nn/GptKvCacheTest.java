package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** generate's KV cache draws what the uncached forward pass over the whole window would. */
class GptKvCacheTest {
  /** The sampling loop without a cache: the whole window through forward at every step (the old generate). */
  private static int[] uncached(Gpt g, int[] prompt, int count, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] seq = Arrays.copyOf(prompt, prompt.length + count);
    g.eval();
    for (int i = prompt.length; i < seq.length; i++) {
      int from = Math.max(0, i - g.context());
      float[] window = new float[i - from];
      for (int j = from; j < i; j++) window[j - from] = seq[j];
      Tensor logits = Autograd.noGrad(() -> g.forward(Tensor.of(window, 1, window.length)).select(1, -1).select(0, 0));
      float[] p = logits.softmax(0).toArray();
      double u = rng.nextDouble(), acc = 0;
      int pick = p.length - 1;
      for (int k = 0; k < p.length; k++) {
        acc += p[k];
        if (u < acc) {
          pick = k;
          break;
        }
      }
      seq[i] = pick;
    }
    return seq;
  }

  @Test
  void withinTheContextTheCachedSamplesAreTheUncachedOnes() {
    Gpt g = new Gpt(11, 16, 16, 2, 2, 0f, new SplittableRandom(4));
    int[] prompt = {1, 2, 3};
    for (long seed = 0; seed < 5; seed++) {
      assertArrayEquals(uncached(g, prompt, 13, seed), g.generate(prompt, 13, 1.0, 0, new SplittableRandom(seed)));
    }
  }

  @Test
  void pastTheContextItKeepsGoingWithTokensInTheVocabulary() {
    Gpt g = new Gpt(7, 8, 16, 1, 2, 0f, new SplittableRandom(5));
    int[] out = g.generate(new int[] {0, 1, 2, 3, 4, 5, 6, 0, 1, 2}, 40, 0.9, 3, new SplittableRandom(1));
    assertEquals(50, out.length);
    for (int t : out) assertEquals(true, t >= 0 && t < 7, Arrays.toString(out));
  }
}
