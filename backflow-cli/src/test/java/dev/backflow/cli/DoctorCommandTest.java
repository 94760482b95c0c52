package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {

  private static String[] run(String... args) {
    return CliRunner.run(args);
  }


  @Test
  void theExplodingDemonstrationReportsTheExplosionAndItsCureAndWritesAChart(@TempDir Path dir) throws Exception {
    String[] r = run("doctor", "--only", "exploding", "--out", dir.toString());
    assertEquals("0", r[0], r[2]);
    String report = Files.readString(dir.resolve("report.txt"));
    assertEquals(report.strip(), r[1].substring(0, r[1].indexOf("report: ")).strip());
    assertTrue(report.contains("A) 8-layer ReLU MLP, weights 1.5x He, no clipping: stopped, training loss became NaN"), report);
    assertTrue(report.contains("findings: EXPLODING_GRADIENTS at"), report);
    assertTrue(report.contains("B) the same, gradient norm clipped to 1: loss"), report);
    assertTrue(report.contains("findings: none"), report);
    byte[] png = Files.readAllBytes(dir.resolve("exploding.png"));
    assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
  }

  @Test
  void theSlowConvergenceDemonstrationFlagsTheLowLearningRateAndNeitherCure(@TempDir Path dir) throws Exception {
    String[] r = run("doctor", "--only", "slow-convergence", "--out", dir.toString());
    assertEquals("0", r[0], r[2]);
    String report = Files.readString(dir.resolve("report.txt"));
    assertTrue(report.contains("== Slow convergence =="), report);
    assertTrue(report.contains("A) ReLU MLP, SGD learning rate 0.001 (100x too low): loss"), report);
    assertTrue(report.contains("findings: LEARNING_RATE_TOO_LOW at model"), report);
    assertTrue(report.contains("B) the same, SGD learning rate 0.1: loss"), report);
    assertTrue(report.contains("C) the same, Adam learning rate 0.001: loss"), report);
    assertEquals(2, report.split("findings: none", -1).length - 1, report);
    byte[] png = Files.readAllBytes(dir.resolve("slow-convergence.png"));
    assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
  }

  @Test
  void anUnknownDemonstrationIsRejectedByName(@TempDir Path dir) {
    String[] r = run("doctor", "--only", "overfitting", "--out", dir.toString());
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("unknown demonstration 'overfitting'"), r[2]);
  }
}
