package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CheckpointedTest {

  private static Sequential deepMlp(long seed, boolean checkpointed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Sequential s = new Sequential();
    for (int i = 0; i < 6; i++) {
      Sequential block = new Sequential(new Linear(32, 32, rng), Activation.tanh(), new Linear(32, 32, rng), Activation.relu());
      s.add(checkpointed ? new Checkpointed(block) : block);
    }
    return s;
  }

  @Test
  void checkpointedBlocksGiveTheSameGradientsAsPlainOnes() {
    Sequential plain = deepMlp(1, false), ckpt = deepMlp(1, true);
    Tensor x = Tensor.randn(2, 8, 32);
    Tensor xa = x.detach().requiresGrad(true), xb = Tensor.of(x.toArray(), 8, 32).requiresGrad(true);
    plain.forward(xa).square().mean().backward();
    ckpt.forward(xb).square().mean().backward();
    List<Tensor> pa = plain.parameters(), pb = ckpt.parameters();
    for (int i = 0; i < pa.size(); i++) assertArrayEquals(pa.get(i).grad().toArray(), pb.get(i).grad().toArray(), 1e-6f, "param " + i);
    assertArrayEquals(xa.grad().toArray(), xb.grad().toArray(), 1e-6f);
  }

  @Test
  void parametersGetGradientsEvenWhenTheInputNeedsNone() {
    Sequential ckpt = deepMlp(2, true);
    ckpt.forward(Tensor.randn(3, 4, 32)).sum().backward();
    for (Tensor p : ckpt.parameters()) assertTrue(p.grad() != null && p.grad().abs().sum().item() > 0);
  }
}
