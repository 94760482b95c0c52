package dev.backflow.backend.cpu;

import java.lang.System.Logger.Level;

/**
 * Chooses the SIMD micro-kernel at start-up, as Lucene's VectorizationProvider does: the Vector API one
 * when the jdk.incubator.vector module is in the boot layer, the plain-Java twin otherwise, with one
 * actionable log line explaining how to get the fast path. {@code -Dbackflow.simd=false} forces the twin.
 */
final class Vectorization {
  private static volatile boolean explained;

  private Vectorization() {}

  static MicroKernel bestMicroKernel() {
    if ("false".equalsIgnoreCase(System.getProperty("backflow.simd"))) return new ScalarMicroKernel();
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      if (explained) return new ScalarMicroKernel();
      explained = true;
      System.getLogger("dev.backflow").log(Level.INFO,
          "Backflow uses its plain-Java kernels; pass --add-modules jdk.incubator.vector to the JVM for SIMD speed");
      return new ScalarMicroKernel();
    }
    try {
      return (MicroKernel) Class.forName("dev.backflow.backend.cpu.PanamaMicroKernel")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      System.getLogger("dev.backflow").log(Level.WARNING,
          "Vector API present but unusable (" + e + "); using plain-Java kernels");
      return new ScalarMicroKernel();
    }
  }
}
