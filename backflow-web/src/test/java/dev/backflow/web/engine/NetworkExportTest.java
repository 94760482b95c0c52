package dev.backflow.web.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.autograd.Autograd;
import dev.backflow.io.SafeTensors;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.Checkpoint;
import dev.backflow.web.setup.SetupParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported playground network loads as `backflow eval`'s toy model and predicts what the page shows. */
class NetworkExportTest {
  static TrainingRun run(String json) throws Exception {
    return new TrainingRun(SetupParser.parse(new ObjectMapper().readTree(json)));
  }

  @Test
  void theExportLoadsAsTheToyModelAndPredictsThePagesProbabilities(@TempDir Path dir) throws Exception {
    TrainingRun run = run("{\"dataset\":\"circles\",\"layers\":\"5,3\",\"act\":\"tanh,tanh\",\"seed\":\"3\"}");
    for (int i = 0; i < 40; i++) run.step();
    Path file = dir.resolve("net.safetensors");
    Files.write(file, NetworkExport.safetensors(run));

    Map<String, String> meta = SafeTensors.load(file).metadata();
    assertEquals("toy", meta.get("model"));
    assertEquals("circles", meta.get("dataset"));
    assertEquals("5,3", meta.get("hidden"));
    assertEquals("tanh", meta.get("activation"));
    Module model = Models.toyMlp(new int[] {5, 3}, "tanh", 2, 99); // other initial weights: all are overwritten
    Checkpoint.load(file, model, null);
    try (var g = Autograd.noGrad()) {
      Tensor x = run.data().testX;
      float[] exported = model.forward(x).softmax(1).toArray();
      float[] page = run.network().forward(x, false).output().toArray();
      float[] classOne = new float[page.length];
      for (int i = 0; i < page.length; i++) classOne[i] = exported[2 * i + 1];
      assertArrayEquals(page, classOne, 1e-5f);
    }
  }

  @Test
  void setupsThatEvalCannotRebuildAreRefusedWithTheReason() throws Exception {
    assertNull(NetworkExport.refusal(run("{\"dataset\":\"moons\",\"layers\":\"4\",\"act\":\"relu\"}").setup()));
    assertTrue(NetworkExport.refusal(run("{\"dataset\":\"blobs\"}").setup()).contains("this is blobs"));
    assertTrue(NetworkExport.refusal(run("{\"dataset\":\"spirals\",\"layers\":\"4,4\",\"act\":\"relu,tanh\"}").setup())
        .contains("relu, tanh"));
    assertEquals("backflow eval --checkpoint f.safetensors --hidden 4,4 --activation tanh",
        NetworkExport.evalCommand(run("{\"dataset\":\"spirals\",\"layers\":\"4,4\",\"act\":\"tanh,tanh\"}").setup(), "f.safetensors"));
  }
}
