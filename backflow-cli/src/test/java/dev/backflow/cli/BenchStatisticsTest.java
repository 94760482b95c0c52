package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's summary of repeated runs, and the machine line it prints (no timing here). */
class BenchStatisticsTest {

  @Test
  void minMedianAndMaxOfRuns() {
    assertArrayEquals(new double[] {1, 3, 9}, BenchCommand.stats(List.of(9.0, 1.0, 3.0)), 0);
    assertArrayEquals(new double[] {1, 2.5, 4}, BenchCommand.stats(List.of(4.0, 1.0, 3.0, 2.0)), 0);
  }

  @Test
  void spreadIsTheRangeOverTheMedian() {
    assertEquals(0.0, BenchCommand.spread(List.of(5.0)), 0);
    assertEquals(0.4, BenchCommand.spread(List.of(9.0, 10.0, 13.0)), 1e-12);
  }

  @Test
  void theMachineIsNamed() {
    assertFalse(BenchCommand.cpuName().isBlank());
  }

  @Test
  void aPinnedRunGoesThroughTasksetOnItsCoreAndAnUnpinnedOneAsItIs() {
    assertEquals(List.of("python3", "w.py"), BenchCommand.onCore(-1, List.of("python3", "w.py")));
    org.junit.jupiter.api.Assumptions.assumeTrue(BenchCommand.TASKSET != null, "no taskset on this machine");
    assertEquals(List.of(BenchCommand.TASKSET, "-c", "1", "python3", "w.py"), BenchCommand.onCore(1, List.of("python3", "w.py")));
  }
}
