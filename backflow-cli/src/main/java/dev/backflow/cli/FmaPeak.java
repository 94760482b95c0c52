package dev.backflow.cli;

import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's fp32 FMA peak as the JVM reaches it: a register-only loop of fused multiply-adds on the
 * widest vectors the Vector API offers here, with enough independent accumulator chains (12) to cover the
 * FMA latency on CPUs with two FMA pipes. Nothing is loaded or stored in the loop, so it measures the
 * arithmetic units alone: the ceiling a GEMM micro-kernel is measured against. Run in a worker JVM
 * started with {@code --add-modules jdk.incubator.vector}.
 */
final class FmaPeak {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int CHAINS = 12;

  private FmaPeak() {}

  /** Vector width the JVM uses, in floats. */
  static int lanes() {
    return S.length();
  }

  /** Best GFLOPS over several rounds with {@code threads} threads each running the loop. */
  static double gflops(int threads) throws InterruptedException {
    long iterations = 20_000_000L / Math.max(1, S.length() / 8);
    double best = 0;
    for (int round = 0; round < 8; round++) {
      DoubleAdder sink = new DoubleAdder();
      Thread[] team = new Thread[threads];
      for (int t = 0; t < threads; t++) team[t] = new Thread(() -> sink.add(loop(iterations)));
      long start = System.nanoTime();
      for (Thread t : team) t.start();
      for (Thread t : team) t.join();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (sink.sum() == 42.0) System.out.print(""); // keeps the result alive
      if (round >= 2) best = Math.max(best, 2.0 * CHAINS * S.length() * iterations * threads / seconds / 1e9);
    }
    return best;
  }

  private static double loop(long iterations) {
    FloatVector m = FloatVector.broadcast(S, 0.9999999f), c = FloatVector.broadcast(S, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    for (long i = 0; i < iterations; i++) {
      a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
      a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
      a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
