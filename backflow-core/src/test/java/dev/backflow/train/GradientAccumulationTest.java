package dev.backflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.optim.Adam;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradient accumulation: 4 micro-batches of 16, each loss scaled by 1/4 (as Trainer.accumulate does),
 * give the gradients and the parameter updates of one batch of 64, to rtol 1e-5 (atol 1e-6), for a
 * mean cross-entropy loss; by hand and through {@link Trainer#accumulate(int)}.
 */
class GradientAccumulationTest {
  private static final int N = 64, MICRO = 16, K = N / MICRO;
  private static final double RTOL = 1e-5, ATOL = 1e-6;

  private static final Tensor INPUTS = Tensor.randn(11, N, 6);
  private static final Tensor TARGETS = classes();

  private static Tensor classes() {
    SplittableRandom rng = new SplittableRandom(12);
    float[] t = new float[N];
    for (int i = 0; i < N; i++) t[i] = rng.nextInt(3);
    return Tensor.of(t);
  }

  /** The same MLP (same weights) every call. */
  private static Sequential model() {
    SplittableRandom rng = new SplittableRandom(5);
    return new Sequential(new Linear(6, 8, rng), Activation.tanh(), new Linear(8, 3, rng));
  }

  private static Tensor loss(Module m, int from, int count) {
    return Losses.crossEntropy(m.forward(INPUTS.narrow(0, from, count)), TARGETS.narrow(0, from, count));
  }

  private static void fullBatchBackward(Module m) {
    loss(m, 0, N).backward();
  }

  private static void accumulatedBackward(Module m) {
    for (int i = 0; i < K; i++) loss(m, i * MICRO, MICRO).mul(1f / K).backward();
  }

  @Test
  void fourScaledMicroBatchGradientsEqualTheFullBatchGradient() {
    Sequential full = model(), accumulated = model();
    fullBatchBackward(full);
    accumulatedBackward(accumulated);
    assertSame("gradient of", grads(full), grads(accumulated));
  }

  @Test
  void accumulatedSgdStepsEqualFullBatchSgdSteps() {
    assertStepsAgree(ps -> new Sgd(ps, 0.1, 0.9, 0, 0.01, false));
  }

  @Test
  void accumulatedAdamStepsEqualFullBatchAdamSteps() {
    assertStepsAgree(ps -> new Adam(ps, 0.01));
  }

  /** Three steps each way (so momentum and Adam's moments carry over), parameters compared after each. */
  private static void assertStepsAgree(Function<List<Tensor>, Optimizer> make) {
    Sequential full = model(), accumulated = model();
    Optimizer a = make.apply(full.parameters()), b = make.apply(accumulated.parameters());
    for (int step = 1; step <= 3; step++) {
      a.zeroGrad();
      b.zeroGrad();
      fullBatchBackward(full);
      accumulatedBackward(accumulated);
      a.step();
      b.step();
      assertSame("after step " + step + ": parameter", full.namedParameters(), accumulated.namedParameters());
    }
    assertChanged(model().namedParameters(), full.namedParameters());
  }

  // ===================================================================================================
  // Through the Trainer

  @Test
  void trainerAccumulatingFourMicroBatchesMatchesOneBatchOf64WithSgd() {
    assertTrainerAgrees(ps -> new Sgd(ps, 0.1, 0.9, 0, 0, false));
  }

  @Test
  void trainerAccumulatingFourMicroBatchesMatchesOneBatchOf64WithAdam() {
    assertTrainerAgrees(ps -> new Adam(ps, 0.01));
  }

  private static void assertTrainerAgrees(Function<List<Tensor>, Optimizer> make) {
    TensorDataset data = new TensorDataset(INPUTS, TARGETS);
    Sequential full = model(), accumulated = model();
    Trainer one = new Trainer(full, make.apply(full.parameters()), LossFunction.crossEntropy());
    Trainer four = new Trainer(accumulated, make.apply(accumulated.parameters()), LossFunction.crossEntropy()).accumulate(K);
    List<EpochResult> h1 = one.fit(new DataLoader(data, N, false, false, 0, 0), null, 3);
    List<EpochResult> h4 = four.fit(new DataLoader(data, MICRO, false, false, 0, 0), null, 3);
    assertEquals(3, one.steps(), "one step per epoch with batches of 64");
    assertEquals(3, four.steps(), "one step per 4 accumulated micro-batches of 16");
    for (int e = 0; e < 3; e++) {
      // the epoch's mean training loss is the same too (the loss is reported unscaled)
      double l1 = h1.get(e).train().loss(), l4 = h4.get(e).train().loss();
      assertTrue(Math.abs(l1 - l4) <= RTOL * Math.abs(l1) + ATOL, "epoch " + (e + 1) + " loss " + l4 + " vs " + l1);
    }
    assertSame("after 3 epochs: parameter", full.namedParameters(), accumulated.namedParameters());
    assertChanged(model().namedParameters(), full.namedParameters());
  }

  @Test
  void withoutAccumulationMicroBatchesTakeFourStepsAndEndElsewhere() {
    // the control: the agreement above is not vacuous
    TensorDataset data = new TensorDataset(INPUTS, TARGETS);
    Sequential full = model(), micro = model();
    new Trainer(full, new Sgd(full.parameters(), 0.1), LossFunction.crossEntropy())
        .fit(new DataLoader(data, N, false, false, 0, 0), null, 1);
    Trainer t = new Trainer(micro, new Sgd(micro.parameters(), 0.1), LossFunction.crossEntropy());
    t.fit(new DataLoader(data, MICRO, false, false, 0, 0), null, 1);
    assertEquals(K, t.steps());
    assertChanged(full.namedParameters(), micro.namedParameters());
  }

  // ===================================================================================================
  // Helpers

  private static Map<String, Tensor> grads(Module m) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    m.namedParameters().forEach((k, p) -> {
      assertNotNull(p.grad(), k + " has no gradient");
      out.put(k, p.grad());
    });
    return out;
  }

  private static void assertSame(String what, Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (var e : expected.entrySet()) {
      float[] want = e.getValue().toArray(), got = actual.get(e.getKey()).toArray();
      assertEquals(want.length, got.length);
      for (int i = 0; i < want.length; i++) {
        double err = Math.abs((double) got[i] - want[i]);
        if (!(err <= RTOL * Math.abs(want[i]) + ATOL)) {
          fail(what + " " + e.getKey() + "[" + i + "]: accumulated " + got[i] + ", full batch " + want[i]);
        }
      }
    }
  }

  private static void assertChanged(Map<String, Tensor> before, Map<String, Tensor> after) {
    double diff = 0;
    for (var e : before.entrySet()) {
      float[] x = e.getValue().toArray(), y = after.get(e.getKey()).toArray();
      for (int i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
    }
    assertTrue(diff > 1e-3, "parameters should differ, max difference " + diff);
  }
}
