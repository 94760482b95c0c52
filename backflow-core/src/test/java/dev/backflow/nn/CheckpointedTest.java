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

  /** Autograd.grad through checkpointed blocks returns the gradients and leaves .grad alone. */
  @Test
  void gradThroughACheckpointLeavesDotGradAlone() {
    Sequential plain = deepMlp(3, false), ckpt = deepMlp(3, true);
    Tensor x = Tensor.randn(4, 5, 32);
    Tensor xa = x.detach().requiresGrad(true), xb = Tensor.of(x.toArray(), 5, 32).requiresGrad(true);
    List<Tensor> pa = plain.parameters(), pb = ckpt.parameters();
    Tensor[] ga = dev.backflow.autograd.Autograd.grad(plain.forward(xa).square().mean(), xa, pa.get(0));
    Tensor[] gb = dev.backflow.autograd.Autograd.grad(ckpt.forward(xb).square().mean(), xb, pb.get(0));
    assertArrayEquals(ga[0].toArray(), gb[0].toArray(), 1e-6f);
    assertArrayEquals(ga[1].toArray(), gb[1].toArray(), 1e-6f);
    for (Tensor p : pb) assertTrue(p.grad() == null, "no parameter's .grad was touched");
  }

  /** With createGraph the replay is recorded: a gradient penalty's gradient matches the plain block's. */
  @Test
  void secondOrderGradientsThroughACheckpointMatchThePlainBlocks() {
    Sequential plain = deepMlp(4, false), ckpt = deepMlp(4, true);
    Tensor x = Tensor.randn(5, 3, 32);
    Tensor xa = x.detach().requiresGrad(true), xb = Tensor.of(x.toArray(), 3, 32).requiresGrad(true);
    Tensor gxa = dev.backflow.autograd.Autograd.grad(plain.forward(xa).tanh().sum(), true, xa)[0];
    Tensor gxb = dev.backflow.autograd.Autograd.grad(ckpt.forward(xb).tanh().sum(), true, xb)[0];
    assertTrue(gxb.requiresGrad(), "the gradient is differentiable");
    gxa.square().sum().backward();
    gxb.square().sum().backward();
    List<Tensor> pa = plain.parameters(), pb = ckpt.parameters();
    for (int i = 0; i < pa.size(); i++) assertArrayEquals(pa.get(i).grad().toArray(), pb.get(i).grad().toArray(), 1e-5f, "param " + i);
    assertArrayEquals(xa.grad().toArray(), xb.grad().toArray(), 1e-5f);
  }
}
