package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommandLineTest {

  private static String[] run(String... args) {
    return CliRunner.run(args);
  }


  @Test
  void xorTrainsAndPrintsConvergedPredictions() {
    String[] r = run("xor");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("converged: every prediction is within 0.1"), r[1]);
  }

  @Test
  void explainNeuronPrintsTheWorkedExampleNumbers() {
    String[] r = run("explain", "neuron");
    assertEquals("0", r[0], r[2]);
    for (String expected : new String[] {"1.100000", "0.750260", "0.062370", "-0.499480", "0.187370", "-0.187175",
        "0.518717", "-0.1875", "0.51875"}) {
      assertTrue(r[1].contains(expected), "missing " + expected + " in\n" + r[1]);
    }
  }

  @Test
  void gptTrainsOnAGivenTextAndGenerateSamplesFromItsCheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path text = dir.resolve("text.txt");
    java.nio.file.Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(100));
    String[] train = run("gpt", "--text", text.toString(), "--steps", "30", "--batch-size", "8", "--context", "16",
        "--d-model", "32", "--layers", "1", "--heads", "2", "--lr", "0.01", "--out", dir.toString());
    assertEquals("0", train[0], train[2]);
    assertTrue(java.nio.file.Files.exists(dir.resolve("checkpoint.safetensors")));
    String[] gen = run("generate", "--checkpoint", dir.resolve("checkpoint.safetensors").toString(), "--prompt", "the ",
        "--length", "40");
    assertEquals("0", gen[0], gen[2]);
    String sample = gen[1].replaceAll("\\R\\z", ""); // println's line end, not the sample's own spaces
    assertTrue(sample.startsWith("the ") && sample.length() == 44, sample);
    for (char c : sample.toCharArray()) assertTrue("the quick brown fox jumps over the lazy dog. ".indexOf(c) >= 0, sample);
  }

  @Test
  void aResumedTrainingContinuesAsTheUninterruptedOneAndEvalScoresItsCheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String[] common = {"train", "--model", "toy", "--dataset", "moons", "--optimizer", "momentum", "--lr", "0.05",
        "--seed", "3", "--no-progress"};
    String[] whole = run(concat(common, "--epochs", "3", "--out", dir.resolve("whole").toString()));
    assertEquals("0", whole[0], whole[2]);
    String[] first = run(concat(common, "--epochs", "2", "--out", dir.resolve("parts").toString()));
    String[] rest = run(concat(common, "--epochs", "3", "--resume", "--out", dir.resolve("parts").toString()));
    assertEquals("0", rest[0], rest[2]);
    assertTrue(first[1].contains("epoch 2: ") && !first[1].contains("epoch 3: "), first[1]);
    assertTrue(rest[1].contains("resumed from") && !rest[1].contains("epoch 2: "), rest[1]);
    String epoch3 = epochLine(whole[1], 3);
    assertEquals(epoch3, epochLine(rest[1], 3));
    String[] eval = run("eval", "--checkpoint", dir.resolve("parts/checkpoint.safetensors").toString(), "--seed", "3");
    assertEquals("0", eval[0], eval[2]);
    String testLoss = epoch3.replaceAll(".*test loss (\\S+) acc (\\S+).*", "loss $1, accuracy $2");
    assertTrue(eval[1].contains("toy on moons test split (500 examples): " + testLoss), eval[1] + " vs " + epoch3);
  }

  private static String epochLine(String out, int epoch) {
    for (String line : out.split("\\R")) {
      // the speed differs run to run
      if (line.startsWith("epoch " + epoch + ": ")) return line.replaceAll("\\| [0-9]+ samples/s", "");
    }
    throw new AssertionError("no epoch " + epoch + " in\n" + out);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void explainAlonePrintsItsUsageWithTheTopicsItExplains() {
    String[] r = run("explain");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].startsWith("Usage: backflow explain"), r[1]);
    assertTrue(r[1].contains("Commands:") && r[1].contains("  neuron ") && r[1].contains("  cost "), r[1]);
  }

  @Test
  void badOptionsAreRejectedWithAClearMessage() {
    String[] r = run("xor", "--lr", "-1");
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("--lr must be a positive number"), r[2]);
  }
}
