package dev.backflow.cli;

import static dev.backflow.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpt reports as it trains, one line at a time, and leaves its loss curves beside the checkpoint. */
class GptCommandTest {
  private static final Pattern PROGRESS = Pattern.compile(
      "step (\\d+)/40  loss (\\d+\\.\\d{4}) \\(mean of \\d+ steps?\\)  validation loss (\\d+\\.\\d{4})  \\d+ tokens/s");

  @Test
  void progressLinesComeBetweenTheFirstAndLastStepAndTheCurvesAreAPng(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(60));
    String[] r = run("gpt", "--text", text.toString(), "--steps", "40", "--log-every", "10", "--batch-size", "4",
        "--context", "8", "--d-model", "16", "--layers", "1", "--heads", "2", "--out", dir.toString());
    assertEquals("0", r[0], r[2]);
    assertFalse(r[1].contains("\r"), "no carriage-return frames: the lines read the same in a pipe");
    Matcher m = PROGRESS.matcher(r[1]);
    StringBuilder steps = new StringBuilder();
    while (m.find()) steps.append(m.group(1)).append(' ');
    assertEquals("1 10 20 30 40 ", steps.toString(), r[1]);
    assertTrue(r[1].contains("curves: " + dir.resolve("curves.png")), r[1]);

    PngCheck.assertPng(dir.resolve("curves.png"));
  }

  @Test
  void withoutValidationTheLinesCarryTheTrainingLossAloneAndTheDefaultIntervalGivesAboutTwentyLines(@TempDir Path dir)
      throws Exception {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "abcabcabd ".repeat(200));
    String[] r = run("gpt", "--text", text.toString(), "--steps", "60", "--validation", "0", "--batch-size", "2",
        "--context", "4", "--d-model", "8", "--layers", "1", "--heads", "1", "--out", dir.toString());
    assertEquals("0", r[0], r[2]);
    assertFalse(r[1].contains("validation loss"), r[1]);
    long lines = r[1].lines().filter(l -> l.startsWith("step ")).count();
    assertEquals(21, lines, r[1]);   // step 1, then every 3rd of 60 steps
    assertTrue(r[1].contains("step 3/60  loss ") && r[1].contains("step 60/60  loss "), r[1]);
    PngCheck.assertPng(dir.resolve("curves.png"));
  }

  @Test
  void aHeldOutPartShorterThanTheContextIsRefusedWithTheWayOut(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "abcabcabd ".repeat(100));
    String[] r = run("gpt", "--text", text.toString(), "--steps", "1", "--validation", "0.01", "--context", "16",
        "--out", dir.toString());
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("--validation 0.01 holds out 10 characters, not more than --context 16"), r[2]);
  }
}
