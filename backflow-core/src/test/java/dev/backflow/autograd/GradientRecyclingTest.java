package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.nn.Gpt;
import dev.backflow.nn.Models;
import dev.backflow.ops.Losses;
import dev.backflow.optim.AdamW;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The backward pass hands the arrays of consumed gradients back to the CPU backend, whose kernels write their outputs
 * into them again (GradientBuffers, BufferPool). Reuse must never be visible: every result is bit for bit the one of a
 * backend that recycles nothing, and nothing a user can still reach (a hook's copy, a retained gradient, a .grad, a
 * forward tensor) changes afterwards.
 */
class GradientRecyclingTest {

  @Test
  void gptTrainingStepsAreBitForBitThoseOfABackendThatRecyclesNothing() {
    float[] fresh = trainGpt(() -> Backends.scoped(new NoRecycling(Backends.current())));
    Counting counting = new Counting(Backends.current());
    float[] recycled = trainGpt(() -> Backends.scoped(counting));
    assertArrayEquals(fresh, recycled);
    // And reuse did happen: the passes handed arrays back. (Counted, not read off the heap: how much a fresh JVM
    // allocates depends on what the JIT has compiled yet.)
    assertTrue(counting.recycled > 10, "arrays recycled: " + counting.recycled);
  }

  @Test
  void whatUsersCanStillReachIsNeverOverwritten() {
    SplittableRandom rng = new SplittableRandom(3);
    // Shapes of 64 x 96 (6144 floats): above the pool's minimum, so every gradient here is a candidate.
    Tensor w = Tensor.randn(rng, 96, 96).requiresGrad(true);
    Tensor x = Tensor.randn(rng, 64, 96);
    List<Tensor> seenByHook = new ArrayList<>();
    List<float[]> valuesWhenSeen = new ArrayList<>();
    Tensor h = x.matmul(w);
    h.registerHook(g -> {
      seenByHook.add(g);
      valuesWhenSeen.add(g.toArray());
      return null;
    });
    Tensor r = h.tanh().retainGrad();
    Tensor a = r.add(r).mul(h); // the same tensor twice, and a product whose rule returns both sides
    Tensor v = a.reshape(96, 64).transpose(0, 1).add(h); // views of gradients
    float[] hBefore = h.toArray(), rBefore = r.toArray();
    v.sum().backward();
    float[] retained = r.grad().toArray(), wGrad = w.grad().toArray();
    // Further work on this thread takes recycled arrays for its outputs: more passes, then enough live outputs of the
    // gradients' size to empty the pool of them (it keeps a few per length), each filled with other values.
    for (int i = 0; i < 5; i++) {
      Tensor y = x.matmul(w).tanh().mul(x.matmul(w));
      y.sum().backward();
    }
    List<Tensor> live = new ArrayList<>();
    for (int i = 0; i < 40; i++) live.add(x.matmul(w).mul(i + 2f));
    assertArrayEquals(valuesWhenSeen.get(0), seenByHook.get(0).toArray(), "the gradient a hook kept");
    assertArrayEquals(retained, r.grad().toArray(), "a retained non-leaf gradient");
    assertArrayEquals(hBefore, h.toArray(), "a forward tensor");
    assertArrayEquals(rBefore, r.toArray(), "a forward tensor");
    // w.grad accumulated over the later passes: its first value must not have been overwritten in place by them.
    Tensor wOnce = Tensor.of(wGrad, 96, 96);
    w.zeroGrad();
    Tensor again = x.matmul(w);
    Tensor again2 = again.tanh();
    again2.add(again2).mul(again).reshape(96, 64).transpose(0, 1).add(again).sum().backward();
    assertArrayEquals(wOnce.toArray(), w.grad().toArray(), "the same pass again gives the same .grad");
  }

  @Test
  void twoTrainingsAtOnceEachGetTheirSoloBits() throws Exception {
    float[] solo = trainGpt(() -> null);
    float[][] results = new float[2][];
    Thread[] threads = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int id = t;
      threads[t] = new Thread(() -> results[id] = trainGpt(() -> null));
      threads[t].start();
    }
    for (Thread t : threads) t.join();
    assertArrayEquals(solo, results[0]);
    assertArrayEquals(solo, results[1]);
  }

  /** Three AdamW steps of a small GPT; the parameters afterwards, flattened. */
  private static float[] trainGpt(Supplier<AutoCloseable> scope) {
    try (AutoCloseable s = scope.get()) {
      // [8, 16, 64] activations (8,192 floats) and wider: above the pool's minimum length.
      int vocab = 17, t = 16, batch = 8;
      Gpt model = new Gpt(vocab, t, 64, 2, 2, 0f, new SplittableRandom(5));
      AdamW opt = new AdamW(model.parameters(), 1e-2);
      SplittableRandom rng = new SplittableRandom(9);
      for (int step = 0; step < 3; step++) {
        float[] x = new float[batch * t], y = new float[batch * t];
        for (int k = 0; k < x.length; k++) {
          x[k] = rng.nextInt(vocab);
          y[k] = rng.nextInt(vocab);
        }
        Tensor loss = Losses.crossEntropy(model.forward(Tensor.of(x, batch, t)).reshape(-1, vocab), Tensor.of(y, batch * t));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }
      List<Float> all = new ArrayList<>();
      for (Tensor p : model.parameters()) for (float v : p.toArray()) all.add(v);
      float[] out = new float[all.size()];
      for (int i = 0; i < out.length; i++) out[i] = all.get(i);
      assertEquals(true, out.length > 10_000, "a model big enough for the pool");
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The current backend, counting the arrays the engine hands back before passing them on. */
  private static final class Counting extends DelegatingBackend {
    int recycled;

    Counting(Backend inner) {
      super(inner);
    }

    @Override
    public void recycle(float[] data) {
      recycled++;
      inner.recycle(data);
    }

    @Override
    public int recycleMinLength() {
      return inner.recycleMinLength();
    }
  }

  /** The current backend with recycling left out (Backend's default). */
  private static final class NoRecycling extends DelegatingBackend {
    NoRecycling(Backend inner) {
      super(inner);
    }
  }
}
