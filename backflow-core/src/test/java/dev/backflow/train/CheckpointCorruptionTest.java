package dev.backflow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.data.DataLoader;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.optim.Adam;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged or mismatched checkpoint is refused by name, and refusing it changes nothing. */
class CheckpointCorruptionTest {
  @TempDir Path dir;
  Path file;
  Module trained;
  Adam trainedOpt;

  @BeforeEach
  void saveATrainedModel() throws IOException {
    trained = Models.toyMlp(new int[] {8}, "relu", 2, 1);
    trainedOpt = new Adam(trained.parameters(), 0.01);
    new Trainer(trained, trainedOpt, LossFunction.crossEntropy()).fit(new DataLoader(ToyDatasets.moons(64, 0.1, 0), 16, true, 0), null, 2);
    file = dir.resolve("checkpoint.safetensors");
    Checkpoint.save(file, trained, trainedOpt, Map.of("epoch", "2"));
  }

  private static List<float[]> values(Module m) {
    List<float[]> out = new ArrayList<>();
    for (Tensor t : m.stateDict().values()) out.add(t.toArray());
    return out;
  }

  private static void assertUnchanged(List<float[]> before, Module m) {
    List<float[]> after = values(m);
    for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), after.get(i), 0f);
  }

  @Test
  void aCheckpointLoadsIntoAFreshModelAndOptimizer() throws IOException {
    Module fresh = Models.toyMlp(new int[] {8}, "relu", 2, 99);
    Adam opt = new Adam(fresh.parameters(), 0.01);
    assertEquals("2", Checkpoint.load(file, fresh, opt).get("epoch"));
    List<float[]> expected = values(trained);
    assertUnchanged(expected, fresh);
    assertEquals(trainedOpt.stepCount(), opt.stepCount());
  }

  @Test
  void everySingleFlippedDataByteIsCaughtByTheChecksumAndLeavesTheModelUnchanged() throws IOException {
    byte[] good = Files.readAllBytes(file);
    long headerLen = java.nio.ByteBuffer.wrap(good, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    Module fresh = Models.toyMlp(new int[] {8}, "relu", 2, 99);
    List<float[]> before = values(fresh);
    Path bad = dir.resolve("bad.safetensors");
    for (int at = (int) (8 + headerLen); at < good.length; at += 7) {
      byte[] b = good.clone();
      b[at] ^= 1;
      Files.write(bad, b);
      String m = assertThrows(IOException.class, () -> Checkpoint.load(bad, fresh, new Adam(fresh.parameters(), 0.01))).getMessage();
      assertTrue(m.contains("checksum mismatch") && m.startsWith(bad.toString()), m);
    }
    assertUnchanged(before, fresh);
  }

  @Test
  void aTruncatedCheckpointIsRefusedAndLeavesTheModelUnchanged() throws IOException {
    byte[] good = Files.readAllBytes(file);
    Module fresh = Models.toyMlp(new int[] {8}, "relu", 2, 99);
    List<float[]> before = values(fresh);
    Path bad = dir.resolve("cut.safetensors");
    for (int len : new int[] {0, 7, 8, 20, good.length / 2, good.length - 1}) {
      Files.write(bad, java.util.Arrays.copyOf(good, len));
      String m = assertThrows(IOException.class, () -> Checkpoint.load(bad, fresh, null)).getMessage();
      assertTrue(m.startsWith(bad.toString()), m);
    }
    assertUnchanged(before, fresh);
  }

  @Test
  void aCheckpointOfAnotherModelOrOptimizerIsRefusedBeforeAnythingIsLoaded() throws IOException {
    Module wider = Models.toyMlp(new int[] {16}, "relu", 2, 5);
    List<float[]> before = values(wider);
    String m = assertThrows(IOException.class, () -> Checkpoint.load(file, wider, null)).getMessage();
    assertTrue(m.contains("does not fit this model: '0.weight' has shape [8, 2] but the model expects [16, 2]"), m);
    assertUnchanged(before, wider);

    Module same = Models.toyMlp(new int[] {8}, "relu", 2, 5);
    before = values(same);
    Sgd sgd = new Sgd(same.parameters(), 0.1, 0.9, 0, 0, false);
    m = assertThrows(IOException.class, () -> Checkpoint.load(file, same, sgd)).getMessage();
    assertTrue(m.contains("holds Adam state, not Sgd"), m);
    assertUnchanged(before, same); // the model was not loaded before the optimizer was found not to fit
    assertEquals(0, sgd.stepCount());
  }
}
