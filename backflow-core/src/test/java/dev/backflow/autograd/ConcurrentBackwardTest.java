package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Backward passes on two threads at once through a graph they share: the same parameter and the same intermediate
 * tensor. The engine leaves its per-pass marks on the tensors it visits, and here the other thread's pass keeps
 * replacing them; every gradient must still be the single-threaded one.
 */
class ConcurrentBackwardTest {
  @Test
  void twoThreadsBackpropagatingThroughSharedTensorsGetTheSingleThreadedGradients() throws Exception {
    SplittableRandom rng = new SplittableRandom(11);
    Tensor w = Tensor.randn(rng, 6, 6).requiresGrad(true);
    Tensor shared = w.mul(0.5f).tanh(); // a non-leaf both threads' graphs go through (kept with retainGraph)
    Tensor[] inputs = {Tensor.randn(rng, 6, 3), Tensor.randn(rng, 6, 3)};
    float[][] expected = new float[2][];
    for (int t = 0; t < 2; t++) expected[t] = gradient(w, shared, inputs[t]).toArray();

    TwoThreads.run(id -> {
      for (int i = 0; i < 6000; i++) {
        float[] g = gradient(w, shared, inputs[id]).toArray();
        for (int k = 0; k < g.length; k++) {
          // A pass that lost a mark to the other thread adds the same terms in two parts: equal up to rounding.
          assertEquals(expected[id][k], g[k], 1e-5f * Math.max(1f, Math.abs(expected[id][k])), "thread " + id + ", step " + i);
        }
      }
    });
    assertNull(w.grad(), "Autograd.grad leaves .grad alone");
  }

  /** d/dw of a loss that reaches w twice: through the shared tensor and directly. */
  private static Tensor gradient(Tensor w, Tensor shared, Tensor x) {
    Tensor loss = shared.matmul(x).sigmoid().sum().add(w.square().sum().mul(0.1f));
    return Autograd.grad(new Tensor[] {loss}, new Tensor[] {w}, null, false, true, false)[0];
  }
}
