package dev.backflow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.optim.LrScheduler;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer as its callers use it: epoch listeners, its own scheduler stepping, resuming, evaluation alone. */
class TrainerTest {
  private static final TensorDataset DATA = ToyDatasets.moons(96, 0.1, 2);

  private static Module model() {
    return Models.toyMlp(new int[] {8}, "tanh", 2, 5);
  }

  private static DataLoader loader() {
    return new DataLoader(DATA, 32, true, false, 11, 0);
  }

  private static List<Double> losses(List<EpochResult> h) {
    List<Double> out = new ArrayList<>();
    for (EpochResult r : h) out.add(r.train().loss());
    return out;
  }

  @Test
  void evaluateNeedsNoOptimizerAndScoresAsTheTrainerDoes() {
    Module m = model();
    DataLoader all = new DataLoader(DATA, 40, false, false, 0, 0);
    Metrics alone = Trainer.evaluate(m, all, LossFunction.crossEntropy());
    Metrics viaTrainer = new Trainer(m, new Sgd(m.parameters(), 1), LossFunction.crossEntropy()).evaluate(all);
    assertEquals(viaTrainer, alone);
    assertEquals(96, alone.samples());
    m.train();
    Trainer.evaluate(m, all, LossFunction.crossEntropy());
    assertEquals(true, m.isTraining(), "the model's mode is restored");
  }

  @Test
  void oneFitOfThreeEpochsIsThreeFitsOfOneNumberedOn() {
    Module a = model(), b = model();
    Sgd optA = new Sgd(a.parameters(), 0.3), optB = new Sgd(b.parameters(), 0.3);
    Trainer ta = new Trainer(a, optA, LossFunction.crossEntropy()).scheduler(LrScheduler.cosine(optA, 3, 0.1));
    Trainer tb = new Trainer(b, optB, LossFunction.crossEntropy()).scheduler(LrScheduler.cosine(optB, 3, 0.1));
    List<EpochResult> seen = new ArrayList<>();
    ta.listener(TrainingListener.eachEpoch(seen::add));
    List<EpochResult> whole = ta.fit(loader(), null, 3);
    DataLoader lb = loader();
    List<EpochResult> pieces = new ArrayList<>();
    for (int i = 0; i < 3; i++) pieces.addAll(tb.fit(lb, null, 1));
    assertEquals(whole, seen, "the listener saw each epoch the fit returned");
    assertEquals(losses(whole), losses(pieces));
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, whole.get(i).epoch());
      assertEquals(i + 1, pieces.get(i).epoch());
      assertEquals(whole.get(i).learningRate(), pieces.get(i).learningRate());
    }
    assertEquals(3, tb.epochs());
  }

  @Test
  void aResumedRunNumbersItsEpochsOnAndItsFreshSchedulerPicksUpWhereTheFirstLeftOff(@TempDir Path dir) throws Exception {
    Module a = model();
    Sgd optA = new Sgd(a.parameters(), 0.3, 0.9, 0, 0, false);
    List<EpochResult> full = new Trainer(a, optA, LossFunction.crossEntropy()).scheduler(LrScheduler.cosine(optA, 4, 0))
        .fit(loader(), null, 4);

    Module b = model();
    Sgd optB = new Sgd(b.parameters(), 0.3, 0.9, 0, 0, false);
    new Trainer(b, optB, LossFunction.crossEntropy()).scheduler(LrScheduler.cosine(optB, 4, 0)).fit(loader(), null, 2);
    Path file = dir.resolve("ckpt.safetensors");
    Checkpoint.save(file, b, optB, Map.of("epoch", "2"));

    Module c = model();
    Sgd optC = new Sgd(c.parameters(), 0.3, 0.9, 0, 0, false);
    Checkpoint.load(file, c, optC);
    DataLoader lc = loader();
    lc.setEpoch(2);
    List<EpochResult> resumed = new Trainer(c, optC, LossFunction.crossEntropy()).resumeAfter(2)
        .scheduler(LrScheduler.cosine(optC, 4, 0)).fit(lc, null, 2);
    assertEquals(List.of(3, 4), List.of(resumed.get(0).epoch(), resumed.get(1).epoch()));
    assertEquals(losses(full.subList(2, 4)), losses(resumed));
    assertEquals(full.get(2).learningRate(), resumed.get(0).learningRate());
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).toArray(), c.parameters().get(i).toArray(), 0f);
    }
  }

  @Test
  void anEpochListenerKeepsTheHistoryWhenTheLossTurnsNonFinite() {
    Module m = model();
    int[] batches = {0};
    LossFunction failsInEpochThree = (out, y) -> {
      Tensor l = LossFunction.crossEntropy().apply(out, y);
      return ++batches[0] > 7 ? l.mul(Float.NaN) : l;
    };
    List<EpochResult> history = new ArrayList<>();
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.1), failsInEpochThree).listener(TrainingListener.eachEpoch(history::add));
    assertThrows(ArithmeticException.class, () -> t.fit(loader(), null, 5));
    assertEquals(2, history.size());
    assertEquals(2, t.epochs());
  }

  @Test
  void anEpochWithNoBatchesIsRefusedByNameInsteadOfReportingNaN() {
    // a dataset that shrinks after its loader was made is the one way left to an empty epoch
    int[] size = {8};
    TensorDataset moons = ToyDatasets.moons(8, 0.1, 2);
    dev.backflow.data.Dataset shrinking = new dev.backflow.data.Dataset() {
      @Override
      public int size() {
        return size[0];
      }

      @Override
      public dev.backflow.data.Batch batch(int[] indices) {
        return moons.batch(indices);
      }
    };
    DataLoader loader = new DataLoader(shrinking, 4, false, true, 0, 0);
    size[0] = 3;
    Module m = model();
    Trainer t = new Trainer(m, new Sgd(m.parameters(), 0.1), LossFunction.crossEntropy());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fit(loader, null, 1));
    assertEquals("fit: training epoch 1 got no batches from its DataLoader (3 examples, batch size 4, dropLast=true), so there "
        + "is no loss or accuracy to report; did the dataset shrink after the loader was made?", e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> Trainer.evaluate(m, loader, LossFunction.crossEntropy()));
    assertEquals(true, e.getMessage().startsWith("evaluate got no batches from its DataLoader (3 examples, batch size 4"),
        e.getMessage());
  }
}
