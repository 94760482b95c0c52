package dev.backflow.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.jar.JarFile;

/**
 * Gives {@code java -jar backflow.jar} the SIMD kernels without flags. The Vector API is an incubator module,
 * which a JVM only loads when told to on its command line, and then it prints "WARNING: Using incubator
 * modules" on stderr. So when the module is missing, the command runs itself again in a second JVM (same
 * binary, same JVM options, plus {@code --add-modules jdk.incubator.vector}), shares stdin and stdout with it,
 * passes its stderr through without that one line, and exits with its exit code. On a small machine the second JVM
 * also gets the collector of {@link CollectorOptions}, unless the command line names one, and the heap asks for
 * transparent huge pages where the kernel gives them on request ({@link HugePageOptions}).
 *
 * <p>{@code -Dbackflow.relaunch=false} stays in this JVM on the plain-Java kernels.
 */
final class VectorApiLauncher {
  static final String MODULE = "jdk.incubator.vector";
  /** Set on the second JVM, so that it can never start a third whatever its module layer holds. */
  static final String RELAUNCHED = "backflow.relaunched";
  static final String WARNING = "WARNING: Using incubator modules";

  private VectorApiLauncher() {}

  /** The second JVM's exit code once it has run the command, or empty when the command should run here. */
  static OptionalInt relaunchIfNeeded(String[] args) {
    if (ModuleLayer.boot().findModule(MODULE).isPresent()) return OptionalInt.empty();
    if ("false".equalsIgnoreCase(System.getProperty("backflow.relaunch")) || System.getProperty(RELAUNCHED) != null) {
      return OptionalInt.empty();
    }
    List<String> command;
    try {
      command = command(args);
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();  // cannot tell how this JVM was started: run here, on the plain-Java kernels
    }
    Process child;
    try {
      child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
          .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      return OptionalInt.empty();
    }
    // Ctrl-C reaches both JVMs; a kill of this one alone must not leave the second running.
    Thread stopChild = new Thread(child::destroy);
    Runtime.getRuntime().addShutdownHook(stopChild);
    Thread pump = new Thread(() -> copyWithoutWarning(child, System.err), "backflow-stderr");
    pump.start();
    try {
      int code = child.waitFor();
      pump.join();
      Runtime.getRuntime().removeShutdownHook(stopChild);
      return OptionalInt.of(code);
    } catch (InterruptedException e) {
      child.destroy();
      Thread.currentThread().interrupt();
      return OptionalInt.of(130);
    }
  }

  /**
   * What a training JVM started on this machine with {@code options} gets added: the collector of
   * {@link CollectorOptions} and the pages of {@link HugePageOptions}, each only where the options leave it open.
   *
   * @param options the options the new JVM is started with already
   * @return the options to add, possibly none
   */
  static List<String> trainingOptions(List<String> options) {
    List<String> added = new ArrayList<>(CollectorOptions.forTraining(options));
    added.addAll(HugePageOptions.forTraining(options));
    return added;
  }

  /** The second JVM's command line: this JVM's binary and options, the module, then the jar or class path. */
  static List<String> command(String[] args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String option : options) {
      // A debugger agent listens on a port this JVM already holds.
      if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) cmd.add(option);
    }
    cmd.addAll(trainingOptions(options));
    cmd.add("--add-modules");
    cmd.add(MODULE);
    cmd.add("-D" + RELAUNCHED + "=true");
    String classPath = System.getProperty("java.class.path");
    if (isThisJar(classPath)) {
      cmd.add("-jar");
      cmd.add(classPath);
    } else {
      cmd.add("-cp");
      cmd.add(classPath);
      cmd.add(Backflow.class.getName());
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Whether the class path is the one jar whose manifest starts Backflow, as with {@code java -jar}. */
  private static boolean isThisJar(String classPath) throws IOException {
    if (classPath == null || classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")
        || !Files.isRegularFile(Path.of(classPath))) {
      return false;
    }
    try (JarFile jar = new JarFile(classPath)) {
      return jar.getManifest() != null
          && Backflow.class.getName().equals(jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  private static void copyWithoutWarning(Process child, PrintStream err) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream()))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith(WARNING)) {
          err.println(line);
          err.flush();
        }
      }
    } catch (IOException e) {
      err.println("backflow: lost the rest of the error output (" + e.getMessage() + ")");
    }
  }
}
