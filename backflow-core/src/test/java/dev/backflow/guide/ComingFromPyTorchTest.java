package dev.backflow.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/coming-from-pytorch.md quotes ComingFromPyTorch.java; this runs that code and checks that the guide
 * still quotes it word for word, with the line counts it states.
 */
class ComingFromPyTorchTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path SOURCE = ROOT.resolve("backflow-core/src/test/java/dev/backflow/guide/ComingFromPyTorch.java");
  private static final Path GUIDE = ROOT.resolve("docs/coming-from-pytorch.md");
  private static final Path PYTHON = ROOT.resolve("tools/coming_from_pytorch.py");

  @TempDir
  Path dir;

  @Test
  void thePortTrainsEvaluatesAndReloadsItsCheckpoint() throws Exception {
    double[] acc = ComingFromPyTorch.run(dir, 3);
    assertTrue(acc[0] > 0.9, "test accuracy " + acc[0]);
    assertEquals(acc[0], acc[1], "the reloaded model predicts as the trained one");
  }

  private static String region(String text, String name) {
    String c = name.equals("python") ? "# " : "// ";
    Matcher m = Pattern.compile(c + "\\[guide:" + name + "\\]\n(.*?)" + c + "\\[/guide:" + name + "\\]\n", Pattern.DOTALL).matcher(text);
    assertTrue(m.find(), "no region " + name);
    return m.group(1);
  }

  @Test
  void theGuideQuotesTheTestedSourceWordForWordAndCountsItsLines() throws Exception {
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    String port = region(source, "port");
    assertTrue(guide.contains("```java\n" + port + "```"), "the guide's Java must be ComingFromPyTorch.java's, verbatim");
    List<String> lines = port.lines().toList();
    long code = lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("/**") && !l.startsWith("*")
        && !l.startsWith("//")).count();
    long imports = lines.stream().filter(l -> l.startsWith("import ")).count();
    assertTrue(guide.contains("Backflow, " + code + " lines of code and " + imports + " imports"),
        "the guide should state: Backflow, " + code + " lines of code and " + imports + " imports");

    String python = region(Files.readString(PYTHON, StandardCharsets.UTF_8), "python");
    assertTrue(guide.contains("```python\n" + python + "```"), "the guide's Python must be tools/coming_from_pytorch.py's");
    List<String> py = python.lines().toList();
    long pyCode = py.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("\"\"\"")).count();
    long pyImports = py.stream().filter(l -> l.startsWith("import ") || l.startsWith("from ")).count();
    assertTrue(guide.contains("PyTorch, " + pyCode + " lines of code and " + pyImports + " imports"),
        "the guide should state: PyTorch, " + pyCode + " lines of code and " + pyImports + " imports");
  }
}
