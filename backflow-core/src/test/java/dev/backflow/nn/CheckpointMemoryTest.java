package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gradient checkpointing must actually free activations: the heap retained by the graph between forward
 * and backward of a deep MLP falls by at least 2x. Differences of tens of MB make this robust to GC noise.
 */
class CheckpointMemoryTest {

  static Module deepMlp(boolean checkpointed) {
    SplittableRandom rng = new SplittableRandom(0);
    Sequential s = new Sequential();
    for (int i = 0; i < 8; i++) {
      Sequential block = new Sequential();
      for (int j = 0; j < 4; j++) block.add(new Linear(256, 256, rng)).add(Activation.tanh());
      s.add(checkpointed ? new Checkpointed(block) : block);
    }
    return s;
  }

  /** Bytes retained after forward (graph alive), above the baseline with only the model and input. */
  static long retainedByGraph(Module model, Tensor x) {
    long before = usedAfterGc();
    Tensor loss = model.forward(x).square().mean();
    long after = usedAfterGc();
    loss.backward();
    return after - before;
  }

  static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void checkpointingCutsRetainedActivationMemoryAtLeastInHalf() {
    Tensor x = Tensor.randn(1, 512, 256);
    Module plain = deepMlp(false), ckpt = deepMlp(true);
    retainedByGraph(plain, x); // warm-up: class loading and JIT allocations out of the way
    retainedByGraph(ckpt, x);
    long a = retainedByGraph(plain, x), b = retainedByGraph(ckpt, x);
    assertTrue(a > 2 * Math.max(b, 1), "retained by the graph: plain " + a / 1024 + " KiB, checkpointed " + b / 1024 + " KiB");
    System.out.printf("activation memory held between forward and backward: plain %.1f MB, checkpointed %.1f MB (%.1fx less)%n",
        a / 1e6, b / 1e6, (double) a / Math.max(b, 1));
  }
}
