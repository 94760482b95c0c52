package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The graph a createGraph backward records is freed like any other: 1,000 gradient-penalty steps hold no
 * growing memory. One step's graphs hold about a megabyte, so a leak of one step's graph per step would grow
 * the heap by ~1 GB over the loop; the margin allowed (32 MB) is far above GC noise and far below a leak.
 */
class GradGradMemoryTest {

  static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  static void penaltyStep(Module critic, Tensor x) {
    Tensor input = x.detach().requiresGrad(true);
    Tensor gradX = Autograd.grad(new Tensor[] {critic.forward(input).sum()}, new Tensor[] {input}, null, true, true, false)[0];
    Tensor penalty = gradX.square().sum(1).sub(1f).square().mean();
    for (Tensor p : critic.parameters()) p.zeroGrad();
    penalty.backward();
  }

  @Test
  void thousandCreateGraphCallsHoldNoGrowingMemory() {
    SplittableRandom rng = new SplittableRandom(0);
    Module critic = new Sequential(new Linear(32, 64, rng), Activation.gelu(), new Linear(64, 64, rng), Activation.tanh(),
        new Linear(64, 1, rng));
    Tensor x = Tensor.randn(1, 64, 32);
    for (int i = 0; i < 100; i++) penaltyStep(critic, x); // warm-up: class loading and JIT
    long before = usedAfterGc();
    for (int i = 0; i < 1000; i++) penaltyStep(critic, x);
    long after = usedAfterGc();
    long grown = after - before;
    assertTrue(grown < 32L << 20, "heap grew by " + grown / 1024 + " KiB over 1,000 createGraph steps");
    System.out.printf("heap change over 1,000 createGraph gradient-penalty steps: %.1f MB%n", grown / 1e6);
  }
}
