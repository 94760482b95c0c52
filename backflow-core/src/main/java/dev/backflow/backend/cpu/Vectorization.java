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

  /** The fused element-wise kernels matching {@link #bestMicroKernel()}'s choice. */
  static FusedKernels fusedKernels(MicroKernel chosen) {
    if (chosen instanceof ScalarMicroKernel) return new FusedKernels.Scalar();
    JitDirectives.keepTheExponentialOutOfLine();
    try {
      return (FusedKernels) Class.forName("dev.backflow.backend.cpu.PanamaFusedKernels").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return new FusedKernels.Scalar();
    }
  }

  /**
   * The kernel for large products beside {@code chosen}: the 8-row tile where the Vector API kernel runs on 512-bit
   * vectors, else {@code chosen} itself. {@code -Dbackflow.tallTile=false} keeps {@code chosen} (to compare).
   */
  static MicroKernel largeProductKernel(MicroKernel chosen) {
    // By name: naming the class here would load it, and the Vector API with it, in JVMs without the module.
    if (!chosen.getClass().getName().equals("dev.backflow.backend.cpu.PanamaMicroKernel")
        || "false".equalsIgnoreCase(System.getProperty("backflow.tallTile"))) {
      return chosen;
    }
    try {
      Class<?> tall = Class.forName("dev.backflow.backend.cpu.PanamaTallMicroKernel");
      if (!(boolean) tall.getDeclaredMethod("fits").invoke(null)) return chosen;
      return (MicroKernel) tall.getDeclaredConstructor(chosen.getClass()).newInstance(chosen);
    } catch (ReflectiveOperationException | LinkageError e) {
      return chosen;
    }
  }

  static MicroKernel bestMicroKernel() {
    if ("false".equalsIgnoreCase(System.getProperty("backflow.simd"))) return new ScalarMicroKernel();
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      if (explained) return new ScalarMicroKernel();
      explained = true;
      System.getLogger("dev.backflow").log(Level.INFO,
          "Backflow uses its plain-Java kernels; pass --add-modules jdk.incubator.vector to the JVM for SIMD speed");
      return new ScalarMicroKernel();
    }
    // The micro-kernel's vector loads and stores stay inside packed panels sized for them, so the Vector
    // API's per-access bounds checks only cost time (nearly half the GEMM's speed); a user's own setting wins.
    if (System.getProperty("jdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK") == null) {
      System.setProperty("jdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK", "0");
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
