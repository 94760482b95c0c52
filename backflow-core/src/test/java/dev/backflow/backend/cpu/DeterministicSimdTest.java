package dev.backflow.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels give the same bits interpreted and compiled (so a run's bits do not depend on how warm
 * its JVM is, which data-parallel training and concurrent trainings rely on), their lanes agree with their
 * scalar twins bit for bit, and exp, tanh and sigmoid stay within a few ulps of the JDK's.
 */
class DeterministicSimdTest {

  @BeforeAll
  static void needsTheVectorApi() {
    org.junit.jupiter.api.Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
        "the Vector API module is not in this JVM (the plain-Java run)");
  }

  private static float[] inputs() {
    SplittableRandom rng = new SplittableRandom(7);
    List<Float> xs = new ArrayList<>(List.of(0f, -0f, 1f, -1f, 88.72f, 88.8f, 89f, 120f, -87.33f, -90f, -103.9f, -104f,
        -200f, 1e-8f, -1e-8f, 0.24999f, 0.25f, -0.25f, 9f, -9f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
    while (xs.size() % 64 != 0 || xs.size() < 8192) xs.add((float) ((rng.nextDouble() * 2 - 1) * (rng.nextBoolean() ? 3 : 100)));
    float[] out = new float[xs.size()];
    for (int i = 0; i < out.length; i++) out[i] = xs.get(i);
    return out;
  }

  @Test
  void vectorLanesEqualTheScalarTwinBitForBit() {
    float[] x = inputs(); // a whole number of vectors: every element goes through the lanes
    float[] e = new float[x.length];
    PanamaFusedKernels.expLanes(x, 0, e, 0, x.length);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.floatToIntBits(PanamaFusedKernels.exp(x[i])), Float.floatToIntBits(e[i]), "exp(" + x[i] + ")");
    }
    // Each row kernel on the whole row (lanes) against the same kernel on one element at a time (its scalar tail).
    PanamaFusedKernels k = new PanamaFusedKernels();
    float[] lanes = new float[x.length], one = new float[1];
    for (var op : new dev.backflow.backend.UnaryOp[] {dev.backflow.backend.UnaryOp.TANH, dev.backflow.backend.UnaryOp.SIGMOID,
        dev.backflow.backend.UnaryOp.GELU_ERF, dev.backflow.backend.UnaryOp.D_GELU_ERF}) {
      k.unary(op, x, 0, lanes, 0, x.length, 0f);
      for (int i = 0; i < x.length; i++) {
        k.unary(op, x, i, one, 0, 1, 0f);
        assertEquals(Float.floatToIntBits(one[0]), Float.floatToIntBits(lanes[i]), op + "(" + x[i] + ")");
      }
    }
    float[] finite = java.util.Arrays.copyOf(x, x.length);
    for (int i = 0; i < finite.length; i++) if (!Float.isFinite(finite[i])) finite[i] = 0f;
    k.expShifted(finite, 0, lanes, 0, finite.length, 0.7f, 1.5f);
    for (int i = 0; i < finite.length; i++) {
      k.expShifted(finite, i, one, 0, 1, 0.7f, 1.5f);
      assertEquals(Float.floatToIntBits(one[0]), Float.floatToIntBits(lanes[i]), "e^(0.7 x - 1.5) at " + finite[i]);
    }
  }

  @Test
  void expTanhAndSigmoidAreAccurate() {
    double worstExp = 0, worstTanh = 0;
    for (float x : inputs()) {
      if (Float.isNaN(x)) {
        assertTrue(Float.isNaN(PanamaFusedKernels.exp(x)) && Float.isNaN(PanamaFusedKernels.tanh(x)));
        continue;
      }
      double e = Math.exp(x), t = Math.tanh(x);
      float ours = PanamaFusedKernels.exp(x);
      if (e > Float.MAX_VALUE) assertEquals(Float.POSITIVE_INFINITY, ours, "exp(" + x + ") overflows");
      else if (e >= Float.MIN_NORMAL) worstExp = Math.max(worstExp, Math.abs(ours - e) / e);
      else assertTrue(ours <= Float.MIN_NORMAL, "exp(" + x + ") underflows");
      double tr = Math.abs(PanamaFusedKernels.tanh(x) - t) / Math.max(Math.abs(t), 1e-30);
      worstTanh = Math.max(worstTanh, x == 0 ? 0 : tr);
    }
    assertTrue(worstExp < 3e-7, "exp's worst relative error " + worstExp);
    assertTrue(worstTanh < 5e-7, "tanh's worst relative error " + worstTanh);
  }

  /** A kernel's checksum in a child JVM that never compiles (-Xint), against this warm JVM's. */
  @Test
  void interpretedAndCompiledKernelsGiveTheSameBits() throws Exception {
    for (int i = 0; i < 3000; i++) Checksum.compute(); // compiled by now
    long warm = Checksum.compute();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector",
        "-cp", dev.backflow.TestClassPath.get(), Checksum.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), out);
    String[] lines = out.split("\\R");
    assertEquals(Long.toString(warm), lines[lines.length - 1], "interpreted and compiled checksums");
  }

  /** Softmax-style exponentials and sums, GELU, tanh, sigmoid and a layer-norm row, hashed bit by bit. */
  static final class Checksum {
    public static void main(String[] args) {
      System.out.println(compute());
    }

    static long compute() {
      PanamaFusedKernels k = new PanamaFusedKernels();
      float[] x = new float[203], y = new float[203];
      SplittableRandom rng = new SplittableRandom(3);
      for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 4);
      long h = 17;
      h = h * 31 + Double.doubleToLongBits(k.expShifted(x, 0, y, 0, x.length, 0.7f, 1.5f));
      for (float f : y) h = h * 31 + Float.floatToIntBits(f);
      for (var op : new dev.backflow.backend.UnaryOp[] {dev.backflow.backend.UnaryOp.GELU_ERF,
          dev.backflow.backend.UnaryOp.D_GELU_ERF, dev.backflow.backend.UnaryOp.TANH, dev.backflow.backend.UnaryOp.SIGMOID}) {
        k.unary(op, x, 0, y, 0, x.length, 0f);
        for (float f : y) h = h * 31 + Float.floatToIntBits(f);
      }
      h = h * 31 + Double.doubleToLongBits(k.sum(x, 0, x.length));
      h = h * 31 + Double.doubleToLongBits(k.squaredDeviations(x, 0, x.length, 0.1f));
      return h;
    }
  }
}
