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
    String[] missing = run("eval", "--checkpoint", dir.resolve("nope").toString());
    assertTrue(missing[2].contains("no such file"), missing[2]);
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
