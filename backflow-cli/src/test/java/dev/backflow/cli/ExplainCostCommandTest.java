package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCostCommandTest {

  @Test
  void theCostOfAllGradientsIsTabulatedChartedAndComparedWithTheArticles(@TempDir Path dir) throws Exception {
    String[] r = CliRunner.run("explain", "cost", "--max-parameters", "100", "--budget", "0.2", "--threads", "1", "--out", dir.toString());
    assertEquals("0", r[0], r[2]);
    String report = Files.readString(dir.resolve("report.txt"));
    assertTrue(r[1].contains(report.strip()), r[1]);
    assertTrue(report.contains("\n32-2-10 ") && !report.contains("\n32-8-10 "), report); // one row: the largest size is 100
    assertTrue(report.contains("Machine: ") && report.contains(", 1 kernel thread(s). Date: "), report);
    assertTrue(report.contains("The articles say 500,000x"), report);
    assertTrue(report.contains("float32 one-sided") && report.contains("double central"), report);
    for (String png : new String[] {"cost.png", "epsilon.png"}) {
      byte[] b = Files.readAllBytes(dir.resolve(png));
      assertTrue(b.length > 1000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', png + " is not a PNG");
    }
  }

  @Test
  void aNetworkSmallerThanTheSmallestIsRefusedInTheUsersTerms(@TempDir Path dir) {
    String[] r = CliRunner.run("explain", "cost", "--max-parameters", "10", "--out", dir.toString());
    assertEquals("1", r[0]);
    assertTrue(r[2].contains("--max-parameters must be at least 96"), r[2]);
  }
}
