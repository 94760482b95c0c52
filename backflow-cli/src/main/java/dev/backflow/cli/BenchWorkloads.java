package dev.backflow.cli;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.cpu.CpuBackend;
import dev.backflow.data.Batch;
import dev.backflow.data.ByteImageDataset;
import dev.backflow.data.FashionMnist;
import dev.backflow.examples.XorNetwork;
import dev.backflow.nn.Gpt;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.ops.Losses;
import dev.backflow.optim.Adam;
import dev.backflow.optim.AdamW;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.CapturedStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Backflow's side of each benchmark row, timed the same way as bench/pytorch_worker.py: a fixed number of
 * steps after warm-up. Each runs in its own JVM (started by {@code backflow bench}) so rows do not share
 * JIT or heap state, and the memory row can read its own peak RSS.
 */
final class BenchWorkloads {
  private BenchWorkloads() {}

  /** Heap allocated per measured training step (MB) and the share of wall time spent in GC, last run. */
  static double allocMbPerStep = Double.NaN, gcShare = Double.NaN;

  /** Allocation and GC counters, read before and after the measured steps. */
  private static final class Costs {
    private final long bytes = allocatedBytes(), gcMillis = gcMillis(), nanos = System.nanoTime();

    void record(int steps) {
      allocMbPerStep = (allocatedBytes() - bytes) / 1e6 / steps;
      gcShare = (gcMillis() - gcMillis) / ((System.nanoTime() - nanos) / 1e6);
    }

    private static long allocatedBytes() {
      var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long total = 0;
      for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) total += b;
      return total;
    }

    private static long gcMillis() {
      long t = 0;
      for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, gc.getCollectionTime());
      return t;
    }
  }

  /** Runs one workload and returns {value, peak RSS in MB}. */
  static double[] run(String workload) throws IOException {
    double value;
    switch (workload) {
      case "gemm": value = gemm(); break;
      // Warm-ups long enough for the JIT to reach its final code: the rows measure steady-state training.
      case "mlp64": value = train(false, 64, 1500, 600); break;
      case "mlp256": value = train(false, 256, 600, 300); break;
      case "memory": value = train(false, 64, 0, 938); break;
      case "cnn64": value = train(true, 64, 40, 60); break;
      case "gpt32": value = gpt(); break;
      case "xor": value = xorCaptured(); break;
      case "xor-eager": value = xor(); break;
      default: throw new IllegalArgumentException("unknown workload '" + workload + "' (gemm, mlp64, mlp256, cnn64, gpt32, xor, xor-eager, memory)");
    }
    return new double[] {value, peakRssMb()};
  }

  static String unit(String workload) {
    switch (workload) {
      case "gemm": return "GFLOPS";
      case "gpt32": return "tokens/s";
      case "xor": case "xor-eager": return "steps/s";
      default: return "samples/s";
    }
  }

  private static double gemm() {
    int n = 1024;
    SplittableRandom rng = new SplittableRandom(1);
    float[] a = new float[n * n], b = new float[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rng.nextGaussian();
      b[i] = (float) rng.nextGaussian();
    }
    CpuBackend backend = new CpuBackend();
    NdArray x = NdArray.wrap(a, 1, n, n), y = NdArray.wrap(b, 1, n, n);
    // Warm-up: the JIT settles the micro-kernel and the kernel team's code over the first ~30 calls on 2 threads
    // (0.15 s); 60 leave the timed calls in steady state. PyTorch's worker does the same counts.
    for (int i = 0; i < 60; i++) backend.linalg().bmm(x, y);
    double[] t = new double[15];
    for (int i = 0; i < t.length; i++) {
      long s = System.nanoTime();
      backend.linalg().bmm(x, y);
      t[i] = (System.nanoTime() - s) / 1e9;
    }
    return 2.0 * n * n * n / median(t) / 1e9;
  }

  private static double train(boolean cnn, int batch, int warmup, int steps) throws IOException {
    ByteImageDataset data = FashionMnist.train(FashionMnist.DEFAULT_DIR, cnn);
    Module model = cnn ? Models.fashionCnn(0) : Models.fashionMlp(0);
    Optimizer opt = new Adam(model.parameters(), 1e-3);
    int[] perm = permutation(data.size(), new SplittableRandom(0));
    long start = 0;
    Costs costs = null;
    for (int i = 0; i < warmup + steps; i++) {
      if (i == warmup) {
        start = System.nanoTime();
        costs = new Costs();
      }
      int from = (i * batch) % (data.size() - batch);
      Batch b = data.batch(Arrays.copyOfRange(perm, from, from + batch));
      Tensor loss = Losses.crossEntropy(model.forward(b.inputs()), b.targets());
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (costs != null) costs.record(steps);
    return (double) steps * batch / seconds;
  }

  private static double gpt() {
    int vocab = 65, t = 64, batch = 32;
    Gpt model = Models.charGpt(vocab, 0);
    AdamW opt = new AdamW(model.parameters(), 3e-4);
    SplittableRandom rng = new SplittableRandom(0);
    // 60 steps of warm-up, then the median of 40 (both sides; PyTorch is steady from its third step). The JVM keeps
    // compiling and sizing its heap for longer than it seemed: on JDK 25 (2-vCPU Zen 5) the median step was 87 ms over
    // steps 20-39, 76.5 over 40-99 and 73 over 100-149 in one run; a training run lives in the steady state. A median
    // of 40 is also less at the mercy of the collector's pauses, which land on about one step in three.
    int warmup = 60;
    double[] times = new double[warmup + 40];
    Costs costs = null;
    for (int i = 0; i < times.length; i++) {
      if (i == warmup) costs = new Costs();
      float[] x = new float[batch * t], y = new float[batch * t];
      for (int k = 0; k < x.length; k++) {
        x[k] = rng.nextInt(vocab);
        y[k] = rng.nextInt(vocab);
      }
      long s = System.nanoTime();
      Tensor logits = model.forward(Tensor.of(x, batch, t));
      Tensor loss = Losses.crossEntropy(logits.reshape(-1, vocab), Tensor.of(y, batch * t));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      times[i] = (System.nanoTime() - s) / 1e9;
    }
    costs.record(times.length - warmup);
    return batch * t / median(Arrays.copyOfRange(times, warmup, times.length));
  }

  /**
   * Eager autograd steps, measured as JMH would: warm-up by time, then several timed windows and their median. The
   * warm-up is long (3 s) because the JIT keeps recompiling this path for the first ~2 s: each recompilation drops
   * a stretch of steps to the interpreter (CPU time equals wall time in those stretches, so it is the JIT, not the
   * machine), and a window that caught one measured a third of the steady rate.
   */
  private static double xor() {
    XorNetwork net = XorNetwork.initialize(0);
    return stepsPerSecond(() -> net.stepWithAutograd(0.5f));
  }

  /** The same steps replayed from a capture (CapturedStep): autograd and graph building ran once. */
  private static double xorCaptured() {
    XorNetwork net = XorNetwork.initialize(0);
    CapturedStep step = net.capture(0.5f);
    return stepsPerSecond(step::run);
  }

  /**
   * Steps per second of {@code step} in its fastest window: 3 s of warm-up, which also sizes the windows to about
   * 0.15 s each, then 9 windows. The fastest is kept (Python's timeit rule: slower repetitions are slowed by other work
   * on the machine, not by the code); on a VM whose core is at times shared with a neighbour's, a run's windows
   * cluster at two speeds far apart. PyTorch's worker times its XOR steps the same way.
   */
  private static double stepsPerSecond(Runnable step) {
    long start = System.nanoTime(), warmEnd = start + 3_000_000_000L;
    long warm = 0;
    while (System.nanoTime() < warmEnd) {
      for (int i = 0; i < 10_000; i++) step.run();
      warm += 10_000;
    }
    int steps = (int) Math.max(1_000, Math.min(1_000_000, warm / ((System.nanoTime() - start) / 1e9) * 0.15));
    double best = 0;
    for (int w = 0; w < 9; w++) {
      long s = System.nanoTime();
      for (int i = 0; i < steps; i++) step.run();
      best = Math.max(best, steps / ((System.nanoTime() - s) / 1e9));
    }
    return best;
  }

  static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Peak resident set size of this process (Linux VmHWM), or NaN elsewhere. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
