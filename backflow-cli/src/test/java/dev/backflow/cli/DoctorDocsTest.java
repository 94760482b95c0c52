package dev.backflow.cli;

import static dev.backflow.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.backend.Backends;
import dev.backflow.backend.cpu.CpuBackend;
import dev.backflow.diagnostics.Demonstrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/doctor and the README's doctor section are what {@code backflow doctor} prints at seed 0, and its charts
 * label every decade and name layers as the text does. Regenerate the docs with
 * {@code ./backflow doctor --out docs/doctor} from the repository root.
 */
class DoctorDocsTest {
  private static final Path DOCS = Path.of("../docs/doctor");
  private static final Path README = Path.of("../README.md");

  @Test
  void theDocumentedReportIsWhatTheCommandPrintsNowAndTheReadmeQuotesIt(@TempDir Path dir) throws Exception {
    String[] r = run("doctor", "--out", dir.toString());
    assertEquals("0", r[0], r[2]);
    String now = Files.readString(dir.resolve("report.txt")).replace(dir.toString(), "docs/doctor");
    assertEquals(Files.readString(DOCS.resolve("report.txt")), now,
        "docs/doctor/report.txt is not what `backflow doctor` prints now: regenerate it with ./backflow doctor --out docs/doctor");

    String readme = Files.readString(README);
    int start = readme.indexOf("### `backflow doctor`");
    assertTrue(start >= 0, "the README has no doctor section");
    int end = readme.indexOf("\n### ", start + 1);
    Matcher block = Pattern.compile("(?s)```\\n(.*?)```").matcher(readme.substring(start, end < 0 ? readme.length() : end));
    int blocks = 0;
    while (block.find()) {
      blocks++;
      for (String line : block.group(1).split("\\n")) {
        String quoted = line.strip();
        // a run's headline is quoted whole; any other line is a shortened excerpt, whose figures must be the report's
        if (quoted.matches("[A-C]\\) .*")) assertTrue(now.contains(quoted + "\n"), "README: " + quoted);
        Matcher figure = Pattern.compile("\\d+(\\.\\d+)?(e[+-]\\d+)?%?").matcher(quoted);
        while (figure.find()) assertTrue(now.contains(figure.group()), "README's figure " + figure.group() + " in: " + quoted);
      }
    }
    assertEquals(4, blocks, "one quoted report per problem");
  }

  @Test
  void aLogAxisGetsEveryDecadeAroundItsValuesAndAtLeastTwo() {
    assertArrayEquals(new double[] {0.01, 0.1, 1}, DoctorCharts.decades(0.045, 0.2));
    assertArrayEquals(new double[] {0.1, 1}, DoctorCharts.decades(0.117, 0.2));   // within one decade: both ends
    assertArrayEquals(new double[] {1, 10}, DoctorCharts.decades(1, 1));
    assertArrayEquals(new double[] {1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7,
        1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1}, DoctorCharts.decades(1.73e-18, 0.13));
    assertArrayEquals(new double[] {10, 100, 1000, 1e4}, DoctorCharts.decades(51.7, 4.02e3));
    assertThrows(IllegalArgumentException.class, () -> DoctorCharts.decades(0, 1));
  }

  @Test
  void theChartsNameLayersAndActivationsAsTheReportDoes() {
    Demonstrations.Demonstration d;
    try (Backends.Scope plain = Backends.scoped(CpuBackend.scalar())) {
      d = Demonstrations.byName("dying-relu", 0);
    }
    String report = DoctorCommand.section(d);
    List<String> layers = DoctorCharts.layerNames(d.failing());
    assertEquals(List.of("0", "2", "4", "6"), layers);  // the Sequential's indices, 0-based, as the text prints them
    for (String name : layers) assertTrue(report.contains("\n   " + name + " (Linear) "), name + " not in\n" + report);
    assertEquals("0", DoctorCharts.tickName(layers, 0.0));
    assertEquals("6", DoctorCharts.tickName(layers, 3.0));
    assertEquals("", DoctorCharts.tickName(layers, 1.5));
    assertEquals("", DoctorCharts.tickName(layers, 4.0));
    List<String> activations = DoctorCharts.activationNames(d.failing());
    assertEquals(List.of("1 (ReLU)", "3 (ReLU)", "5 (ReLU)"), activations);
    for (String name : activations) assertTrue(report.contains("\n   " + name + " "), name + " not in\n" + report);
    assertEquals("1.body.1", DoctorCharts.shortName("1.body.1 (Linear)"));
  }
}
