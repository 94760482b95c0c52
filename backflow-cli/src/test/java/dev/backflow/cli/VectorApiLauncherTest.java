package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A plain {@code java} command, with no flags, gets the SIMD kernels and no incubator warning: the CLI runs
 * itself again with the module. These start real JVMs, as a user's shell would.
 */
class VectorApiLauncherTest {
  private static final Path JAR = Path.of("target/backflow.jar");
  private static final Path LAUNCHER_CLASS = Path.of("target/classes/dev/backflow/cli/VectorApiLauncher.class");

  /** {exit code, stdout, stderr} of {@code java <jvmArgs> -cp <this test's class path> dev.backflow.cli.Backflow <args>}. */
  private static String[] onClassPath(List<String> jvmArgs, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java()));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Backflow.class.getName()));
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String[] exec(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    CompletableFuture<String> out = read(p.getInputStream()), err = read(p.getErrorStream());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command did not end: " + cmd);
    return new String[] {String.valueOf(p.exitValue()), out.get(), err.get()};
  }

  private static CompletableFuture<String> read(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static void assertXorOnSimdWithoutWarning(String[] r) {
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("converged: every prediction is within 0.1"), r[1]);
    assertTrue(r[1].contains("  x1  x2  target  prediction"), r[1]);
    assertTrue(r[1].matches("(?s).*kernels: cpu \\(Vector API [^\\n]*, SIMD\\n.*"), r[1]);
    assertFalse(r[2].contains(VectorApiLauncher.WARNING), r[2]);
    assertFalse(r[2].contains("plain-Java kernels"), r[2]);
  }

  @Test
  void aPlainJavaCommandRunsXorOnTheSimdKernelsWithoutTheIncubatorWarning() throws Exception {
    assertXorOnSimdWithoutWarning(onClassPath(List.of(), "xor"));
  }

  @Test
  void theBuiltJarRunsXorOnTheSimdKernelsWithNoFlags() throws Exception {
    // `mvn test` runs before `package`: the jar is checked only when one at least as new as these classes exists.
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(JAR)
        && Files.getLastModifiedTime(JAR).compareTo(Files.getLastModifiedTime(LAUNCHER_CLASS)) >= 0, "no up-to-date jar");
    assertXorOnSimdWithoutWarning(exec(List.of(java(), "-jar", JAR.toString(), "xor")));
  }

  @Test
  void theSecondJvmsExitCodeAndErrorsComeBack() throws Exception {
    String[] r = onClassPath(List.of(), "xor", "--lr", "-1");
    assertEquals("1", r[0], r[1]);
    assertTrue(r[2].contains("backflow: --lr must be a positive number"), r[2]);
    assertFalse(r[2].contains(VectorApiLauncher.WARNING), r[2]);
  }

  @Test
  void theOptOutStaysInOneJvmOnThePlainJavaKernels() throws Exception {
    String[] r = onClassPath(List.of("-Dbackflow.relaunch=false"), "xor", "--epochs", "10");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains(", plain Java (this JVM lacks jdk.incubator.vector)"), r[1]);
  }

  @Test
  void theSecondJvmGetsTheModuleTheJvmOptionsAndTheArguments() throws Exception {
    List<String> cmd = VectorApiLauncher.command(new String[] {"xor", "--seed", "3"});
    int module = cmd.indexOf("--add-modules");
    assertEquals(VectorApiLauncher.MODULE, cmd.get(module + 1));
    assertTrue(cmd.contains("-D" + VectorApiLauncher.RELAUNCHED + "=true"), cmd.toString());
    // this test's JVM was started on a class path (surefire's), not with -jar Backflow's own jar
    int cp = cmd.indexOf("-cp");
    assertTrue(cp > module, cmd.toString());
    assertEquals(List.of(System.getProperty("java.class.path"), Backflow.class.getName(), "xor", "--seed", "3"),
        cmd.subList(cp + 1, cmd.size()));
    assertTrue(cmd.containsAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.contains("jdwp")).toList()), cmd.toString());
  }
}
