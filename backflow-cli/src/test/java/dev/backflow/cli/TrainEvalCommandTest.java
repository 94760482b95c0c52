package dev.backflow.cli;

import static dev.backflow.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.train.EpochResult;
import dev.backflow.train.Metrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's defaults learn, progress is for terminals only and agrees with the summary, eval trusts the checkpoint. */
class TrainEvalCommandTest {
  @TempDir
  Path dir;

  private static double lastTestAccuracy(String out) {
    Matcher m = Pattern.compile("test loss \\S+ acc (\\S+)").matcher(out);
    double acc = Double.NaN;
    while (m.find()) acc = Double.parseDouble(m.group(1));
    return acc;
  }

  @Test
  void theSuggestedSpiralsRunLearnsWithTheDefaultsAndPipedOutputHasNoProgressFrames() {
    String[] r = run("train", "--dataset", "spirals", "--model", "toy", "--epochs", "3", "--out", dir.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(lastTestAccuracy(r[1]) > 0.8, "spirals after 3 epochs with the defaults: " + r[1]);
    assertFalse(r[1].contains("\r") || r[2].contains("\r"), "no carriage-return frames in a pipe");
  }

  @Test
  void evalReadsTheArchitectureFromTheCheckpointAndRefusesFlagsThatContradictIt() {
    String[] t = run("train", "--dataset", "moons", "--model", "toy", "--hidden", "16,8,8", "--activation", "tanh",
        "--epochs", "1", "--seed", "4", "--out", dir.toString());
    assertEquals("0", t[0], t[2]);
    String[] e = run("eval", "--checkpoint", dir.toString());   // a directory: its checkpoint.safetensors
    assertEquals("0", e[0], e[2]);
    String testLoss = t[1].replaceAll("(?s).*test loss (\\S+) acc (\\S+).*", "loss $1, accuracy $2");
    assertTrue(e[1].contains("toy on moons test split (500 examples): " + testLoss), e[1] + " vs " + t[1]);

    String[] same = run("eval", "--checkpoint", dir.toString(), "--hidden", "16,8,8", "--model", "toy");
    assertEquals("0", same[0], same[2]);
    String[] hidden = run("eval", "--checkpoint", dir.toString(), "--hidden", "64,64,64");
    assertEquals("1", hidden[0]);
    assertTrue(hidden[2].contains("--hidden 64,64,64 contradicts the checkpoint, which holds hidden 16,8,8"), hidden[2]);
    String[] dataset = run("eval", "--checkpoint", dir.toString(), "--dataset", "circles");
    assertTrue(dataset[2].contains("--dataset circles contradicts the checkpoint, which holds dataset moons"), dataset[2]);
    String[] limit = run("eval", "--checkpoint", dir.toString(), "--limit", "10");
    assertTrue(limit[2].contains("--limit applies to training"), limit[2]);
  }

  @Test
  void evalGivenADirectoryWithoutACheckpointOrAMissingFileSaysWhatToGive() throws Exception {
    Path empty = java.nio.file.Files.createDirectories(dir.resolve("empty"));
    String[] e = run("eval", "--checkpoint", empty.toString());
    assertEquals("1", e[0]);
    assertTrue(e[2].contains("--checkpoint " + empty + " is a directory; give the checkpoint file inside it, e.g. "
        + empty.resolve("checkpoint.safetensors")), e[2]);

    Path other = java.nio.file.Files.createDirectories(dir.resolve("other"));
    java.nio.file.Files.writeString(other.resolve("notes.txt"), "not a checkpoint");
    java.nio.file.Files.writeString(other.resolve("epoch3.safetensors"), "");
    String[] o = run("eval", "--checkpoint", other.toString());
    assertTrue(o[2].contains("is a directory; give the checkpoint file inside it, e.g. " + other.resolve("epoch3.safetensors")), o[2]);

    String[] missing = run("eval", "--checkpoint", dir.resolve("nope.safetensors").toString());
    assertEquals("1", missing[0]);
    assertTrue(missing[2].contains("--checkpoint " + dir.resolve("nope.safetensors") + ": no such file (train writes"
        + " OUT/checkpoint.safetensors"), missing[2]);
  }

  @Test
  void everyDatasetTheParserAcceptsIsInTheHelpAndNoOther() {
    String help = run("train", "--help")[1].replaceAll("\\s+", " ");
    Matcher m = Pattern.compile("--dataset=<dataset> ([a-z, -]+?) \\(").matcher(help);
    assertTrue(m.find(), help);
    java.util.List<String> listed = java.util.Arrays.asList(m.group(1).split(", "));
    assertEquals(TrainingSetup.DATASETS, listed);
    assertTrue(listed.contains("regression"), help);
    for (String name : dev.backflow.data.ToyDatasets.NAMES) dev.backflow.data.ToyDatasets.named(name, 10, 0.1, 0);
    String[] unknown = run("train", "--dataset", "mnist", "--model", "toy", "--out", dir.toString());
    assertEquals("1", unknown[0]);
    assertTrue(unknown[2].contains("unknown --dataset 'mnist' (expected one of " + String.join(", ", TrainingSetup.DATASETS) + ")"),
        unknown[2]);
  }

  @Test
  void theToyRegressionTrainsWithMeanSquaredErrorAndEvalScoresIt() throws Exception {
    String[] t = run("train", "--dataset", "regression", "--model", "toy", "--epochs", "3", "--out", dir.toString());
    assertEquals("0", t[0], t[2]);
    Matcher m = Pattern.compile("epoch (\\d): train loss (\\S+) \\| test loss (\\S+) \\(mean squared error\\)").matcher(t[1]);
    double first = Double.NaN, last = Double.NaN;
    while (m.find()) {
      if (Double.isNaN(first)) first = Double.parseDouble(m.group(3));
      last = Double.parseDouble(m.group(3));
    }
    // y = sin(3x) on [-1, 1] has a variance of about 0.5: predicting the mean scores that, a fit far less
    assertTrue(last < 0.05 && last <= first, t[1]);
    assertFalse(t[1].contains("acc"), t[1]);
    PngCheck.assertPng(dir.resolve("curves.png"));
    String[] e = run("eval", "--checkpoint", dir.toString());
    assertEquals("0", e[0], e[2]);
    assertTrue(e[1].contains(String.format(java.util.Locale.ROOT, "toy on regression test split (500 examples): loss %.4f (mean squared error)", last)),
        e[1] + " vs " + t[1]);
  }

  @Test
  void theProgressLineNumbersEpochsAndEndsOnTheSummarysLoss() {
    StringWriter sink = new StringWriter();
    ProgressLine line = new ProgressLine(new PrintWriter(sink), 3, 0);
    line.onEpochStart(2, 3);
    line.onStep(1, 1.0, 4);
    line.onStep(2, 0.5, 4);
    line.onStep(3, 0.25, 2);
    // the Trainer's summary is the same mean weighted by batch size: (4 + 2 + 0.5) / 10
    line.onEpochEnd(new EpochResult(2, new Metrics(0.65, 0.5, 10), null, 1, 10, 0.001));
    String frames = sink.toString();
    assertTrue(frames.contains("\repoch 2/3 [####################] 3/3 batches, loss 0.6500"), frames);
    assertTrue(frames.contains("\repoch 2/3 [######..............] 1/3 batches, loss 1.0000"), frames);
    assertTrue(frames.endsWith(System.lineSeparator()), "the summary starts on its own line");
  }
}
