package dev.backflow.backend.cpu;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * A compiler directive for HotSpot's C2, added at run time through the JVM's own diagnostic command
 * ({@code jcmd <pid> Compiler.directives_add}), that keeps the vector exponential ({@code PanamaFusedKernels.expLanes})
 * compiled on its own instead of inlined into the kernel that calls it.
 *
 * <p>Why: JDK 17's C2 inlines it into the GELU block loop with the loop's other passes, reaches its node-count cutoff
 * there, and then fails the Vector API store intrinsic at the end of the exponential: every vector of every GELU is
 * boxed in a new object. Whether that happens depends on which kernels were compiled first, so it came and went
 * from JVM to JVM (PrintInlining: "VectorSupport::store failed to inline (intrinsic)", then "NodeCountInliningCutoff"
 * for the next passes). Measured on the bench's GPT worker, JDK 17, 2-vCPU AMD EPYC (Zen 5): 226-287 MB allocated
 * per step and 17-22k tokens/s without the directive in six JVMs of six, 170 MB and 23.7-24.5k with it in three of
 * three. JDK 25's C2 does the same, less often: inlined into a softmax row (expShifted), the row's own loops were
 * left boxed in some JVMs (the attention kernel allocated 7.1-9.6 MB per forward and backward pass instead of 6.4;
 * the GPT worker 173.7 MB per step instead of 170.3), so the directive is added on every JDK. That did not cure JDK 17:
 * its C2 then compiled expLanes itself with the store intrinsic failed ("missing constant": it had lost the exact class
 * of the vector being stored) in most JVMs (151-348 MB per step). The exponential is now two methods joined through a
 * block of floats (PanamaFusedKernels.expMantissaLanes, scaleByPowerOfTwoLanes), each small enough to compile whole,
 * and the directive keeps all three out of line: 92 MB per step in 3 JVMs of 3.
 *
 * <p>The directive is process-wide and touches only the inlining of that one method. {@code
 * -Dbackflow.jitDirectives=false} leaves the JIT alone; where the JVM has no diagnostic command (a trimmed runtime
 * without java.management) nothing is added and one line is logged.
 */
final class JitDirectives {
  // For both compilers: a directive that names only c2 leaves c1 disabled for the methods it matches.
  private static final String DIRECTIVE =
      "[{ match: \"dev/backflow/*.*\", inline: [\"-dev/backflow/backend/cpu/PanamaFusedKernels.expLanes\","
          + " \"-dev/backflow/backend/cpu/PanamaFusedKernels.expMantissaLanes\","
          + " \"-dev/backflow/backend/cpu/PanamaFusedKernels.scaleByPowerOfTwoLanes\"] }]";
  private static boolean tried;

  private JitDirectives() {}

  /**
   * Adds the directive once per JVM where it is wanted; never throws. It runs on the calling thread, before any
   * kernel: starting the JVM's management server costs ~150 ms once, and a directive added later races C2, which
   * compiles the GELU within a training run's first steps (a first version that added it from a background thread
   * lost that race in a bench worker, on two busy cores).
   */
  static synchronized void keepTheExponentialOutOfLine() {
    if (tried) return;
    tried = true;
    if ("false".equalsIgnoreCase(System.getProperty("backflow.jitDirectives"))) return;
    try {
      Path file = Files.createTempFile("backflow-c2-directive-", ".json");
      try {
        Files.writeString(file, DIRECTIVE);
        ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
            "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (Exception | LinkageError e) {
      System.getLogger("dev.backflow").log(Level.INFO, "could not add Backflow's C2 directive (" + e
          + "); the GELU and softmax may run boxed in some JVMs: pass -XX:CompileCommand=dontinline,"
          + "dev.backflow.backend.cpu.PanamaFusedKernels::expLanes (and the same for ::expMantissaLanes and"
          + " ::scaleByPowerOfTwoLanes) to the JVM instead");
    }
  }
}
