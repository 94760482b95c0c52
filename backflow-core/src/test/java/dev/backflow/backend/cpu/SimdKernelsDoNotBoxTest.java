package dev.backflow.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Once C2 has compiled a SIMD kernel, calling it allocates nothing. A Vector API operation that C2 cannot
 * compile into instructions (JDK 17 has no 16-lane float-to-int conversion; a loop value it cannot keep in a
 * register) silently falls back to Java code that boxes each vector in a new object: the kernel still
 * gives the right numbers, at a fifth of its speed or less, so only the allocation shows it. Each kernel
 * runs alone in a fresh JVM, compiled in the foreground (-Xbatch) so the check does not race the JIT, and
 * the test measures the bytes this thread allocates per call, which do not depend on the machine's load.
 * (Several kernels warmed in one JDK 17 JVM can still spoil each other's compilation: the README's
 * benchmark notes say what that costs.)
 */
class SimdKernelsDoNotBoxTest {

  @BeforeAll
  static void needsTheVectorApi() {
    org.junit.jupiter.api.Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "the Vector API module is not in this JVM (the plain-Java run)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"microkernel", "microkernel-packing", "microkernel-tall", "gelu", "sigmoid", "sigmoid-short", "softmax-exp", "softmax-exp-short",
      "softmax-row", "softmax-backward-row"})
  void aCompiledKernelAllocatesNothingPerCall(String kernel) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // With the Vector API's bounds checks on (Backflow turns them off for its own kernels, but only if no other
    // code in the JVM touched the Vector API first: Lucene in the same server, say), the harder case for C2.
    Process p = new ProcessBuilder(java, "-Xbatch", "--add-modules", "jdk.incubator.vector",
        "-cp", dev.backflow.TestClassPath.get(), Probe.class.getName(), kernel).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), out);
    String[] lines = out.split("\\R");
    double bytesPerCall = Double.parseDouble(lines[lines.length - 1]);
    // A boxed vector is 80+ bytes (its payload array alone is 80 with 16 lanes, 48 with 8): even one per call shows.
    // (A softmax row's lane sum once boxed its accumulator on every call, on JDK 25: 96 bytes.)
    assertTrue(bytesPerCall < 32, kernel + " allocates " + bytesPerCall + " bytes per call once compiled (boxed vectors)");
  }

  /** Warms one kernel until C2 has compiled it, then prints the bytes allocated per call. */
  static final class Probe {
    public static void main(String[] args) {
      Runnable call = kernel(args[0]);
      for (int i = 0; i < 40_000; i++) call.run();
      var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      int calls = 2_000;
      for (int i = 0; i < calls; i++) call.run();
      System.out.println((threads.getCurrentThreadAllocatedBytes() - before) / (double) calls);
    }

    private static Runnable kernel(String name) {
      SplittableRandom rng = new SplittableRandom(5);
      float[] x = new float[1000], y = new float[1000];
      for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 3);
      PanamaFusedKernels fused = new PanamaFusedKernels();
      switch (name) {
        case "microkernel": {
          PanamaMicroKernel k = new PanamaMicroKernel();
          int kc = 256, mr = k.mr(), nr = k.nr();
          float[] a = new float[mr * kc], b = new float[nr * kc], c = new float[mr * nr];
          for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
          for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
          // Interior tiles of a product, accumulating into C: the profile under which C2 once boxed one of
          // twelve accumulators on every step (20 KB per call) when each had its own zero().
          return () -> k.compute(kc, a, 0, 1, mr, b, 0, c, 0, nr, true, mr, nr);
        }
        case "microkernel-tall": {
          // The 8 x 32 tile's interior tiles, accumulating (on narrower hardware its 512-bit vectors are emulated
          // and box: nothing to check there).
          if (!PanamaTallMicroKernel.fits()) return () -> { };
          PanamaTallMicroKernel k = new PanamaTallMicroKernel(new PanamaMicroKernel());
          int kc = 256, mr = k.mr(), nr = k.nr();
          float[] a = new float[mr * kc], b = new float[nr * kc], c = new float[mr * nr];
          for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
          for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
          return () -> k.compute(kc, a, 0, 1, mr, b, 0, c, 0, nr, true, mr, nr);
        }
        case "microkernel-packing": {
          // The first column panel's tiles: A's rows read in place (row stride 300) and copied as they are read.
          PanamaMicroKernel k = new PanamaMicroKernel();
          int kc = 256, mr = k.mr(), nr = k.nr();
          float[] a = new float[mr * 300], b = new float[nr * kc], c = new float[mr * nr], packed = new float[mr * kc];
          for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
          for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
          return () -> k.computePacking(kc, a, 0, 300, b, 0, c, 0, nr, true, packed, 0);
        }
        case "gelu": return () -> fused.unary(dev.backflow.backend.UnaryOp.GELU_ERF, x, 0, y, 0, x.length, 0f);
        case "sigmoid": return () -> fused.unary(dev.backflow.backend.UnaryOp.SIGMOID, x, 0, y, 0, x.length, 0f);
        case "sigmoid-short": return () -> fused.unary(dev.backflow.backend.UnaryOp.SIGMOID, x, 0, y, 0, 7, 0f);
        case "softmax-exp": return () -> fused.expShifted(x, 0, y, 0, x.length, 1f, 9f);
        // A causal attention row: whole vectors and a tail (the tail goes through one zero-padded vector).
        case "softmax-exp-short": return () -> fused.expShifted(x, 0, y, 0, 41, 0.2f, 3f);
        case "softmax-row": {
          float[] row = new float[64];
          return () -> {
            System.arraycopy(x, 0, row, 0, 64);
            fused.softmaxRow(row, 0, 41, 64, 0.2f);
          };
        }
        case "softmax-backward-row": {
          float[] p = new float[64];
          for (int i = 0; i < p.length; i++) p[i] = (float) rng.nextDouble();
          // In place on y: restore it each call so the values stay in range.
          return () -> {
            System.arraycopy(x, 0, y, 0, 64);
            fused.softmaxBackwardRow(y, 0, p, 0, 41, 0.2f);
          };
        }
        default: throw new IllegalArgumentException(name);
      }
    }
  }
}
