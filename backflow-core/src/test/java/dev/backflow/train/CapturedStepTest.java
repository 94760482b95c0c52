package dev.backflow.train;

import dev.backflow.autograd.Graph;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.backend.Backends;
import dev.backflow.backend.RecordingBackend;
import dev.backflow.examples.XorNetwork;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Dropout;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.optim.Adam;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A captured step replays exactly what eager steps compute, and refuses what it could not replay. */
class CapturedStepTest {

  @Test
  void xorReplayMatchesEagerStepsBitForBit() {
    var before = Backends.current();
    XorNetwork eager = XorNetwork.initialize(0), captured = XorNetwork.initialize(0);
    CapturedStep step = captured.capture(0.5f); // two real steps: the warm-up and the captured one
    eager.stepWithAutograd(0.5f);
    eager.stepWithAutograd(0.5f);
    for (int i = 0; i < 5000; i++) {
      float expect = eager.stepWithAutograd(0.5f);
      assertEquals(expect, step.run().item(), 0f, "loss at replay " + i);
    }
    for (int p = 0; p < 4; p++) {
      assertArrayEquals(eager.parameters()[p].toArray(), captured.parameters()[p].toArray(), 0f, "parameter " + p);
    }
    assertTrue(captured.converged(0.2f), "the replayed steps train XOR");
    assertSame(before, Backends.current(), "capture restores the backend");
  }

  /** New batches copied into the static input, momentum SGD, dropout (its generator advances per replay). */
  @Test
  void mlpWithMomentumDropoutAndChangingBatchesMatchesEager() {
    Model eager = new Model(), captured = new Model();
    SplittableRandom data = new SplittableRandom(11);
    float[][] xs = new float[40][], ys = new float[40][];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = new float[8 * 5];
      ys[i] = new float[8 * 3];
      for (int j = 0; j < xs[i].length; j++) xs[i][j] = (float) data.nextGaussian();
      for (int j = 0; j < ys[i].length; j++) ys[i][j] = (float) data.nextGaussian();
    }
    Tensor x = Tensor.zeros(8, 5), y = Tensor.zeros(8, 3);
    x.copy_(Tensor.of(xs[0], 8, 5));
    y.copy_(Tensor.of(ys[0], 8, 3));
    CapturedStep step = CapturedStep.capture(() -> captured.step(x, y), 1);
    eager.step(Tensor.of(xs[0], 8, 5), Tensor.of(ys[0], 8, 3));
    eager.step(Tensor.of(xs[0], 8, 5), Tensor.of(ys[0], 8, 3));
    for (int i = 1; i < xs.length; i++) {
      x.copy_(Tensor.of(xs[i], 8, 5));
      y.copy_(Tensor.of(ys[i], 8, 3));
      float replayed = step.run().item();
      float expect = eager.step(Tensor.of(xs[i], 8, 5), Tensor.of(ys[i], 8, 3)).item();
      assertEquals(expect, replayed, 0f, "loss at batch " + i);
    }
    var pe = eager.net.parameters();
    var pc = captured.net.parameters();
    for (int p = 0; p < pe.size(); p++) assertArrayEquals(pe.get(p).toArray(), pc.get(p).toArray(), 0f, "parameter " + p);
  }

  private static final class Model {
    final Module net;
    final Sgd opt;

    Model() {
      SplittableRandom rng = new SplittableRandom(5);
      net = new Sequential(new Linear(5, 16, rng), Activation.relu(), new Dropout(0.25f, new SplittableRandom(9)), new Linear(16, 3, rng));
      opt = new Sgd(net.parameters(), 0.05, 0.9, 0, 1e-4, true);
    }

    Tensor step(Tensor x, Tensor y) {
      Tensor loss = Losses.mseLoss(net.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss;
    }
  }

  /** Adam's bias correction is read from its step counter by the kernel, so replays match eager steps exactly. */
  @Test
  void adamAndAdamWReplayTheirBiasCorrectionBitForBit() {
    for (boolean decoupled : new boolean[] {false, true}) {
      Linear eagerLayer = new Linear(3, 2, new SplittableRandom(1)), capturedLayer = new Linear(3, 2, new SplittableRandom(1));
      Adam eagerOpt = decoupled ? new dev.backflow.optim.AdamW(eagerLayer.parameters(), 1e-2, 0.9, 0.999, 1e-8, 0.1)
          : new Adam(eagerLayer.parameters(), 1e-2);
      Adam capturedOpt = decoupled ? new dev.backflow.optim.AdamW(capturedLayer.parameters(), 1e-2, 0.9, 0.999, 1e-8, 0.1)
          : new Adam(capturedLayer.parameters(), 1e-2);
      Tensor x = Tensor.randn(new SplittableRandom(2), 4, 3);
      java.util.function.BiFunction<Linear, Adam, Tensor> step = (layer, opt) -> {
        Tensor loss = layer.forward(x).square().mean();
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss;
      };
      CapturedStep captured = CapturedStep.capture(() -> step.apply(capturedLayer, capturedOpt), 1);
      step.apply(eagerLayer, eagerOpt);
      step.apply(eagerLayer, eagerOpt);
      for (int i = 0; i < 50; i++) {
        assertEquals(step.apply(eagerLayer, eagerOpt).item(), captured.run().item(), 0f, "loss at replay " + i);
      }
      var pe = eagerLayer.parameters();
      var pc = capturedLayer.parameters();
      for (int p = 0; p < pe.size(); p++) {
        assertArrayEquals(pe.get(p).toArray(), pc.get(p).toArray(), 0f, (decoupled ? "AdamW" : "Adam") + " parameter " + p);
      }
    }
  }

  @Test
  void valueDependentStepsAreRefusedWithTheReason() {
    var before = Backends.current();
    SplittableRandom rng = new SplittableRandom(1);
    Linear layer = new Linear(3, 2, rng);
    Tensor x = Tensor.randn(rng, 4, 3);
    Tensor targets = Tensor.of(new float[] {0, 1, 1, 0}, 4);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CapturedStep.capture(() -> Losses.crossEntropy(layer.forward(x), targets), 0));
    assertTrue(e.getMessage().contains("captured step cannot read indices"), e.getMessage());
    assertSame(before, Backends.current(), "a failed capture restores the backend");
    e = assertThrows(IllegalStateException.class,
        () -> new RecordingBackend(Backends.current()).reductions().allFinite(Graph.array(x)));
    assertTrue(e.getMessage().contains("allFinite"), e.getMessage());
  }
}
