package dev.backflow.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C2 directive that keeps the vector exponential out of line is in the JVM's directive stack once the SIMD
 * backend is chosen (on every JDK: 17 and 25 both boxed vectors with the exponential inlined); {@code -Dbackflow.jitDirectives=false}
 * leaves the stack alone. Each case runs in a fresh JVM, which prints its stack through the same diagnostic command
 * {@code jcmd Compiler.directives_print} uses.
 */
class JitDirectivesTest {

  @BeforeAll
  static void needsTheVectorApi() {
    org.junit.jupiter.api.Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "the Vector API module is not in this JVM (the plain-Java run)");
  }

  @Test
  void theSimdBackendAddsTheDirective() throws Exception {
    String stack = directivesOfAFreshJvm(true);
    assertTrue(stack.contains("PanamaFusedKernels.expLanes"), stack);
    // Both compilers stay on for Backflow's methods (a directive naming only C2 switches C1 off for them).
    assertFalse(stack.contains("Enable:false"), stack);
  }

  @Test
  void theSwitchLeavesTheJitAlone() throws Exception {
    assertFalse(directivesOfAFreshJvm(false).contains("PanamaFusedKernels"));
  }

  private static String directivesOfAFreshJvm(boolean directives) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector"));
    if (!directives) command.add("-Dbackflow.jitDirectives=false");
    command.addAll(List.of("-cp", dev.backflow.TestClassPath.get(), Probe.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("Directive"), "the stack was not printed: " + out);
    return out;
  }

  /** Chooses the SIMD backend, then prints the JVM's compiler directive stack. */
  static final class Probe {
    public static void main(String[] args) throws Exception {
      new CpuBackend();
      System.out.println(ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
          "compilerDirectivesPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }
  }
}
