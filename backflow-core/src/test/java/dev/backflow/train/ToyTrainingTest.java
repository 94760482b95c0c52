package dev.backflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.data.DataLoader;
import dev.backflow.data.Dataset;
import dev.backflow.data.FashionMnist;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.optim.Adam;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real training runs, small enough for CI: each must actually learn, or it fails. */
class ToyTrainingTest {

  @Test
  void xorWithSgdReachesFullTrainingAccuracy() {
    TensorDataset xor = ToyDatasets.xor();
    Module model = Models.toyMlp(new int[] {8}, "tanh", 2, 0);
    Trainer t = new Trainer(model, new Sgd(model.parameters(), 0.5), LossFunction.crossEntropy());
    List<EpochResult> h = t.fit(new DataLoader(xor, 4, false, false, 0, 0), null, 500);
    assertEquals(1.0, h.get(h.size() - 1).train().accuracy());
  }

  @Test
  void twoSpiralsWithAdamReachAtLeast97PercentTrainingAccuracy() {
    TensorDataset spirals = ToyDatasets.spirals(600, 0.0, 1);
    Module model = Models.toyMlp(new int[] {64, 64, 64}, "relu", 2, 3);
    Trainer t = new Trainer(model, new Adam(model.parameters(), 0.01), LossFunction.crossEntropy());
    DataLoader loader = new DataLoader(spirals, 60, true, false, 0, 0);
    t.fit(loader, null, 300);
    double acc = t.evaluate(new DataLoader(spirals, 600, false, false, 0, 0)).accuracy();
    assertTrue(acc >= 0.97, "spirals training accuracy " + acc);
  }

  @Test
  void fashionMnistMlpLearnsFromTwoThousandExamplesInOneEpoch() throws Exception {
    Path dir = FashionMnist.DEFAULT_DIR;
    if (!FashionMnist.isAvailable(dir)) {
      throw new AssertionError("Fashion-MNIST is missing: .ci/run installs Debian's dataset-fashion-mnist");
    }
    Dataset train = FashionMnist.train(dir, false).head(2000);
    Dataset test = FashionMnist.test(dir, false).head(2000);
    Module model = Models.fashionMlp(0);
    Trainer t = new Trainer(model, new Adam(model.parameters(), 1e-3), LossFunction.crossEntropy());
    t.fit(new DataLoader(train, 64, true, false, 0, 2), null, 1);
    double acc = t.evaluate(new DataLoader(test, 500, false, false, 0, 0)).accuracy();
    assertTrue(acc >= 0.65, "test accuracy after one epoch on 2,000 examples: " + acc);
  }

  @Test
  void resumingFromACheckpointGivesTheSameLossesAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
    TensorDataset data = ToyDatasets.spirals(200, 0.05, 4);
    // Uninterrupted: 4 epochs.
    Module a = Models.toyMlp(new int[] {16}, "relu", 2, 9);
    Adam optA = new Adam(a.parameters(), 0.01);
    DataLoader la = new DataLoader(data, 32, true, false, 7, 0);
    List<EpochResult> full = new Trainer(a, optA, LossFunction.crossEntropy()).fit(la, null, 4);
    // Interrupted after 2 epochs, saved, reloaded into fresh objects, resumed for 2 more.
    Module b = Models.toyMlp(new int[] {16}, "relu", 2, 9);
    Adam optB = new Adam(b.parameters(), 0.01);
    DataLoader lb = new DataLoader(data, 32, true, false, 7, 0);
    new Trainer(b, optB, LossFunction.crossEntropy()).fit(lb, null, 2);
    Path file = dir.resolve("ckpt.safetensors");
    Checkpoint.save(file, b, optB, java.util.Map.of("epoch", "2"));
    Module c = Models.toyMlp(new int[] {16}, "relu", 2, 1234);
    Adam optC = new Adam(c.parameters(), 0.01);
    Checkpoint.load(file, c, optC);
    DataLoader lc = new DataLoader(data, 32, true, false, 7, 0);
    lc.setEpoch(2);
    List<EpochResult> resumed = new Trainer(c, optC, LossFunction.crossEntropy()).fit(lc, null, 2);
    assertEquals(full.get(2).train().loss(), resumed.get(0).train().loss(), 0.0);
    assertEquals(full.get(3).train().loss(), resumed.get(1).train().loss(), 0.0);
    for (int i = 0; i < a.parameters().size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(a.parameters().get(i).toArray(), c.parameters().get(i).toArray(), 0f);
    }
  }
}
