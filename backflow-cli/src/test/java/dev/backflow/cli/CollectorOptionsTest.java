package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which collector options a relaunched training JVM gets, for the machines and command lines a user may have. */
class CollectorOptionsTest {
  private static final long GIB = 1L << 30;

  @Test
  void aSmallMachineGetsTheSerialCollectorWithAYoungGenerationOfAQuarterOfTheHeapUpTo512MiB() {
    assertEquals(List.of("-XX:+UseSerialGC", "-Xmn512m"), CollectorOptions.forTraining(List.of(), 2, 6 * GIB));
    assertEquals(List.of("-XX:+UseSerialGC", "-Xmn512m"), CollectorOptions.forTraining(List.of(), 1, 2 * GIB));
    assertEquals(List.of("-XX:+UseSerialGC", "-Xmn256m"), CollectorOptions.forTraining(List.of("-Xmx1g"), 2, GIB));
    // So small a heap gets no young size of its own: the JVM's sizing is already right for it.
    assertEquals(List.of("-XX:+UseSerialGC"), CollectorOptions.forTraining(List.of("-Xmx32m"), 2, 32L << 20));
  }

  @Test
  void aLargerMachineKeepsTheJvmsOwnChoice() {
    assertEquals(List.of(), CollectorOptions.forTraining(List.of(), 3, 6 * GIB));
    assertEquals(List.of(), CollectorOptions.forTraining(List.of(), 64, 64 * GIB));
  }

  @Test
  void aCommandLineThatChoosesItsCollectorOrYoungGenerationIsLeftAlone() {
    for (String option : List.of("-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseZGC", "-XX:-UseSerialGC", "-Xmn256m",
        "-XX:NewSize=64m", "-XX:MaxNewSize=1g", "-XX:NewRatio=3")) {
      assertEquals(List.of(), CollectorOptions.forTraining(List.of("-Xmx4g", option), 2, 4 * GIB), option);
    }
  }
}
