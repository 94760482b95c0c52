package dev.backflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core as a dependency on the module path: a consumer module that {@code requires dev.backflow.core} compiles
 * against the exported packages and trains a layer, with and without the Vector API module ({@code requires static});
 * the packages that are not exported stay invisible; and layers declared in a named module register their fields
 * when the module opens its package to Backflow, and fail with the fix named when it does not.
 */
class ModuleDependencyTest {
  @TempDir static Path dir;
  private static Path core;

  @BeforeAll
  static void findCore() throws Exception {
    // target/classes (or the jar) that holds the core's module-info.class
    core = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.exists(core.resolve("module-info.class")) || core.toString().endsWith(".jar"),
        "the core's classes have no module-info.class: " + core);
  }

  private static final String NET = String.join("\n",
      "package demo;",
      "import dev.backflow.nn.Linear;",
      "import dev.backflow.tensor.Tensor;",
      "public class Net extends dev.backflow.nn.Module {",
      "  private final Linear fc = new Linear(2, 1);", // private: registration reads it reflectively
      "  @Override public Tensor forward(Tensor x) { return fc.forward(x).sigmoid(); }",
      "}");

  private static final String MAIN = String.join("\n",
      "package demo;",
      "import dev.backflow.backend.Backends;",
      "import dev.backflow.tensor.Tensor;",
      "public class Main {",
      "  public static void main(String[] args) {",
      "    Net net = new Net();",
      "    Tensor loss = net.forward(Tensor.of(new float[][] {{1, 2}, {3, 4}})).sum();",
      "    loss.backward();",
      "    System.out.println(\"parameters \" + net.parameters().size());",
      "    System.out.println(\"grad \" + net.parameters().get(0).grad().isFinite());",
      "    System.out.println(\"backend \" + Backends.current().name());",
      "    System.out.println(\"module \" + Tensor.class.getModule().getName());",
      "  }",
      "}");

  @Test
  void aConsumerModuleUsesTheApiOnTheModulePathWithAndWithoutTheVectorApi() throws Exception {
    Path out = compile("opens", "module demo { requires dev.backflow.core; opens demo to dev.backflow.core; }",
        List.of(NET, MAIN));

    String plain = run(List.of("--module-path", core + File.pathSeparator + out, "-m", "demo/demo.Main"));
    assertTrue(plain.contains("parameters 2"), plain);
    assertTrue(plain.contains("grad true"), plain);
    assertTrue(plain.contains("module dev.backflow.core"), plain);
    // requires static: without --add-modules the incubator module is not resolved, and the plain-Java twin runs
    assertTrue(plain.contains("backend cpu (scalar"), plain);

    String simd = run(List.of("--add-modules", "jdk.incubator.vector", "--module-path", core + File.pathSeparator + out,
        "-m", "demo/demo.Main"));
    assertTrue(simd.contains("backend cpu (Vector API"), simd);
    assertTrue(simd.contains("grad true"), simd);
  }

  @Test
  void classPathUsersKeepWorkingAgainstTheNamedCore() throws Exception {
    Path out = compile("unnamed", null, List.of(NET, MAIN));
    String text = run(List.of("--module-path", core.toString(), "--add-modules", "dev.backflow.core",
        "-cp", out.toString(), "demo.Main"));
    assertTrue(text.contains("parameters 2"), text);
    assertTrue(text.contains("module dev.backflow.core"), text);
  }

  @Test
  void theWorkedExamplesPackageIsNotExported() throws Exception {
    List<Diagnostic<? extends JavaFileObject>> errors = compileErrors("hidden",
        "module demo { requires dev.backflow.core; }",
        List.of("package demo;\npublic class Peek { Object o = dev.backflow.examples.SingleNeuron.class; }"));
    String text = errors.stream().map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
    assertTrue(text.contains("dev.backflow.examples") && text.contains("not visible"), text);
  }

  @Test
  void aLayerInAPackageNotOpenedToBackflowFailsWithTheFixNamed() throws Exception {
    Path out = compile("closed", "module demo { requires dev.backflow.core; }", List.of(NET, MAIN));
    String text = runExpectingFailure(List.of("--module-path", core + File.pathSeparator + out, "-m", "demo/demo.Main"));
    assertTrue(text.contains("demo.Net.fc") && text.contains("opens demo to dev.backflow.core"), text);
  }

  private static Path compile(String name, String moduleInfo, List<String> sources) throws IOException {
    List<Diagnostic<? extends JavaFileObject>> errors = compileErrors(name, moduleInfo, sources);
    assertTrue(errors.isEmpty(), errors.toString());
    return dir.resolve(name).resolve("out");
  }

  private static List<Diagnostic<? extends JavaFileObject>> compileErrors(String name, String moduleInfo,
                                                                          List<String> sources) throws IOException {
    Path src = dir.resolve(name).resolve("src"), out = dir.resolve(name).resolve("out");
    Files.createDirectories(src.resolve("demo"));
    List<File> files = new ArrayList<>();
    if (moduleInfo != null) files.add(Files.writeString(src.resolve("module-info.java"), moduleInfo).toFile());
    for (String s : sources) {
      String cls = s.substring(s.indexOf("class ") + 6).split("[ {]")[0];
      files.add(Files.writeString(src.resolve("demo").resolve(cls + ".java"), s).toFile());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-proc:none"));
    options.addAll(moduleInfo != null ? List.of("--module-path", core.toString()) : List.of("-cp", core.toString()));
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromFiles(files)).call();
    }
    return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).collect(Collectors.toList());
  }

  private static String run(List<String> args) throws Exception {
    Result r = start(args);
    assertEquals(0, r.code, r.output);
    return r.output;
  }

  private static String runExpectingFailure(List<String> args) throws Exception {
    Result r = start(args);
    assertTrue(r.code != 0, r.output);
    return r.output;
  }

  private record Result(int code, String output) {}

  private static Result start(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    return new Result(p.waitFor(), output);
  }
}
