package dev.backflow.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.autograd.AnomalyException;
import dev.backflow.autograd.Autograd;
import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.optim.Adam;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.LossFunction;
import dev.backflow.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each rule fires on a network built to show its failure, and on nothing else; a healthy network shows none. */
class GradientMonitorTest {
  private static final TensorDataset MOONS = ToyDatasets.moons(256, 0.1, 0);

  private static GradientMonitor fit(Module model, Optimizer opt, TensorDataset data, int epochs, Thresholds t) {
    GradientMonitor monitor = new GradientMonitor(model, 1, 200, t);
    new Trainer(model, opt, LossFunction.crossEntropy()).listener(monitor).fit(new DataLoader(data, 32, true, false, 0, 0), null, epochs);
    return monitor;
  }

  /** Exactly one finding, of this kind, with its layer, figures, explanation and remedies filled in. */
  private static Finding assertOnly(Finding.Kind kind, GradientMonitor m) {
    List<Finding> fs = m.findings();
    assertEquals(1, fs.size(), () -> "expected only " + kind + ", got " + fs + "\n" + m.report());
    Finding f = fs.get(0);
    assertEquals(kind, f.kind(), m::report);
    assertFalse(f.layer().isEmpty());
    assertFalse(f.figures().isEmpty());
    assertFalse(f.remedies().isEmpty());
    assertTrue(m.report().contains(kind.name()), m::report);
    return f;
  }

  @Test
  void aHealthyNetworkTriggersNoFinding() {
    Module model = Demonstrations.mlp(new SplittableRandom(1), Activation::relu);
    GradientMonitor m = fit(model, new Adam(model.parameters(), 3e-3), MOONS, 25, Thresholds.defaults());
    assertEquals(List.of(), m.findings(), m::report);
    assertTrue(m.report().contains("No findings"), m::report);
  }

  @Test
  void aTwentyLayerSigmoidNetworkTriggersVanishingGradientsAtItsFirstLayer() {
    Module model = Demonstrations.deepSigmoid(new SplittableRandom(0));
    GradientMonitor m = fit(model, new Sgd(model.parameters(), 0.01, 0.9, 0, 0, false), MOONS, 3, Thresholds.defaults());
    Finding f = assertOnly(Finding.Kind.VANISHING_GRADIENTS, m);
    assertEquals("0 (Linear)", f.layer());
    assertTrue(f.figures().get("ratio") < 1e-9, f::toString);
    assertTrue(f.remedies().stream().anyMatch(r -> r.contains("Residual")), f.remedies()::toString);
  }

  @Test
  void aNetworkThatAmplifiesItsSignalTriggersExplodingGradients() {
    Module model = Demonstrations.tooLarge(new SplittableRandom(0));
    Optimizer opt = new Sgd(model.parameters(), 0.2, 0.9, 0, 0, false);
    GradientMonitor m = new GradientMonitor(model, 1, 100, Thresholds.defaults());
    Tensor x = MOONS.inputs(), y = MOONS.targets();
    // our own loop, stopped before the loss overflows, so only the explosion itself is on record
    for (int step = 0; step < 50; step++) {
      Tensor loss = Losses.crossEntropy(model.forward(x), y);
      if (!Float.isFinite(loss.item()) || loss.item() > 1e6) break;
      loss.backward();
      m.afterBackward(loss.item());
      opt.step();
      opt.zeroGrad();
      m.afterStep();
    }
    Finding f = assertOnly(Finding.Kind.EXPLODING_GRADIENTS, m);
    assertTrue(f.figures().get("growth") > 100, f::toString);
    assertTrue(f.remedies().stream().anyMatch(r -> r.contains("clip")), f.remedies()::toString);
  }

  @Test
  void aNanLossStopsTheTrainerWithAPointerToAnomalyModeAndIsTheOnlyFinding() {
    // log of a sigmoid that underflows to 0: the classic way to make -log(p) infinite
    Module model = new Sequential(new Linear(2, 1, new SplittableRandom(0)));
    LossFunction logOfProbability = (out, t) -> out.mul(1000f).sigmoid().log().neg().mean();
    GradientMonitor m = new GradientMonitor(model);
    Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.1), logOfProbability).listener(m);
    TensorDataset data = new TensorDataset(Tensor.of(new float[] {-5, -5, 1, 1}, 2, 2), Tensor.of(0, 1));
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> trainer.fit(new DataLoader(data, 2, false, false, 0, 0), null, 1));
    assertTrue(e.getMessage().contains("Autograd.detectAnomaly(true)"), e.getMessage());
    Finding f = assertOnly(Finding.Kind.NAN_LOSS, m);
    assertTrue(f.explanation().contains("Autograd.detectAnomaly(true)"), f::toString);
    assertTrue(f.remedies().get(0).contains("detectAnomaly"), f.remedies()::toString);

    // and anomaly mode names the op that made the infinity, and this file's line that called it
    Autograd.detectAnomaly(true);
    try {
      AnomalyException a = assertThrows(AnomalyException.class, () -> trainer.fit(new DataLoader(data, 2, false, false, 0, 0), null, 1));
      assertTrue(a.getMessage().startsWith("log produced NaN or infinity from inputs of shape [2, 1] that were all finite"), a.getMessage());
      assertTrue(a.getMessage().contains("GradientMonitorTest"), a.getMessage());
    } finally {
      Autograd.detectAnomaly(false);
    }
  }

  @Test
  void aLayerWhoseUnitsNeverFireTriggersDeadUnitsNamingIt() {
    Sequential model = Demonstrations.mlp(new SplittableRandom(2), Activation::relu);
    // 20 of the second layer's 32 units get a bias no input can overcome: dead from the start
    Linear second = (Linear) model.get(2);
    try (var g = Autograd.noGrad()) {
      for (int u = 0; u < 20; u++) second.bias.narrow(0, u, 1).fill_(-100f);
    }
    GradientMonitor m = fit(model, new Adam(model.parameters(), 3e-3), MOONS, 3, Thresholds.defaults());
    Finding f = assertOnly(Finding.Kind.DEAD_UNITS, m);
    assertEquals("3 (ReLU)", f.layer());
    assertTrue(f.figures().get("dead units") >= 20, f::toString);
    assertEquals(32.0, f.figures().get("units"));
  }

  @Test
  void stepsFarLargerThanTheWeightsTriggerLearningRateTooHigh() {
    // logistic regression on overlapping blobs: one layer, so nothing can vanish or die; Adam's steps cannot
    // explode, and the best weights are small, so steps of about 1 per weight keep overshooting them
    Module model = new Sequential(new Linear(2, 3, new SplittableRandom(0)));
    TensorDataset blobs = ToyDatasets.blobs(256, 3, 0.5, 0);
    GradientMonitor m = fit(model, new Adam(model.parameters(), 1.0), blobs, 5, Thresholds.defaults());
    Finding f = assertOnly(Finding.Kind.LEARNING_RATE_TOO_HIGH, m);
    assertTrue(f.figures().get("update/weight") > 0.1, f::toString);
  }

  @Test
  void stepsFarSmallerThanTheWeightsTriggerLearningRateTooLow() {
    Module model = Demonstrations.mlp(new SplittableRandom(3), Activation::relu);
    GradientMonitor m = fit(model, new Sgd(model.parameters(), 1e-6), MOONS, 5, Thresholds.defaults());
    Finding f = assertOnly(Finding.Kind.LEARNING_RATE_TOO_LOW, m);
    assertTrue(f.figures().get("typical update/weight") < 1e-4, f::toString);
  }

  @Test
  void sgdAtAHundredthOfASensibleLearningRateIsFlaggedAsTooSlowAndItsCuresAreNot() {
    Demonstrations.Demonstration d = Demonstrations.slowConvergence(0);
    Finding f = assertOnly(Finding.Kind.LEARNING_RATE_TOO_LOW, d.failing().monitor());
    assertEquals("model", f.layer());
    assertTrue(f.remedies().stream().anyMatch(r -> r.contains("Adam")), f.remedies()::toString);
    assertEquals(2, d.cures().size());
    for (Demonstrations.Run cure : d.cures()) {
      assertEquals(List.of(), cure.monitor().findings(), () -> cure.label() + "\n" + cure.monitor().report());
    }
    // the symptom the articles name: the same steps leave the slow run's loss far above the cures'
    double slow = last(d.failing()), sgd = last(d.cures().get(0)), adam = last(d.cures().get(1));
    assertTrue(slow > 4 * sgd && slow > 4 * adam, () -> "final losses: slow " + slow + ", SGD " + sgd + ", Adam " + adam);
  }

  private static double last(Demonstrations.Run r) {
    return r.history().get(r.history().size() - 1).train().loss();
  }

  @Test
  void labelsUnrelatedToTheInputsTriggerStalledLoss() {
    // a linear model starting at zero on random labels: the loss starts at ln 2 and has nowhere to go
    SplittableRandom r = new SplittableRandom(4);
    float[] x = new float[2 * 512], y = new float[512];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = r.nextInt(2);
    Linear linear = new Linear(2, 2, new SplittableRandom(0));
    try (var g = Autograd.noGrad()) {
      linear.weight.fill_(0f);
      linear.bias.fill_(0f);
    }
    Module model = new Sequential(linear);
    GradientMonitor m = fit(model, new Sgd(model.parameters(), 0.05), new TensorDataset(Tensor.of(x, 512, 2), Tensor.of(y, 512)),
        10, Thresholds.defaults().withStall(50, 0.01));
    Finding f = assertOnly(Finding.Kind.STALLED_LOSS, m);
    assertEquals("model", f.layer());
    assertTrue(Math.abs(f.figures().get("first mean loss") - Math.log(2)) < 0.02, f::toString);
  }

  @Test
  void memoryStaysBoundedAndClosingRemovesTheActivationHooks() {
    Sequential model = Demonstrations.mlp(new SplittableRandom(5), Activation::relu);
    GradientMonitor m = new GradientMonitor(model, 2, 16, Thresholds.defaults());
    Optimizer opt = new Sgd(model.parameters(), 0.01);
    Tensor x = MOONS.inputs().narrow(0, 0, 32), y = MOONS.targets().narrow(0, 0, 32);
    for (int step = 0; step < 200; step++) {
      Tensor loss = Losses.crossEntropy(model.forward(x), y);
      loss.backward();
      m.afterBackward(loss.item());
      opt.step();
      opt.zeroGrad();
      m.afterStep();
    }
    assertEquals(200, m.steps());
    assertEquals(16, m.globalGradNorms().length);
    assertEquals(199.0, m.sampledSteps()[15]); // every 2nd step from step 1: ..., 197, 199
    for (LayerStats l : m.layers()) {
      assertEquals(16, l.gradNorms().length);
      assertEquals(16, l.updateRatios().length);
    }
    assertEquals(16, m.activations().get(0).deadInBatch().length);
    m.close();
    int before = m.activations().get(0).deadInBatch().length;
    model.forward(x);
    m.afterBackward(1.0);
    assertEquals(before, m.activations().get(0).deadInBatch().length);
  }

  @Test
  void layersAreNamedByTheirPathInTheModelAndTheirType() {
    Module model = Demonstrations.deepResidualRelu(new SplittableRandom(0));
    GradientMonitor m = new GradientMonitor(model);
    assertEquals("0 (Linear)", m.layers().get(0).name());
    assertEquals("1.body.1 (Linear)", m.layers().get(1).name());
    assertEquals("1.body.0 (ReLU)", m.activations().get(0).name());
    assertEquals(20, m.layers().size());
  }
}
