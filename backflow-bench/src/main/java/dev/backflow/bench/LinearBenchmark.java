package dev.backflow.bench;

import dev.backflow.backend.Backend;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.cpu.CpuBackend;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Linear layer's forward product, x [rows, in] @ W [out, in]ᵀ + bias, at the shapes of the bench's GPT (2048 tokens,
 * d 128, MLP 512) and MLP (batch 64, 784 → 128). Tall products are split by rows across threads, with W's packed
 * panels shared by every share. GFLOPS = 2 · rows · in · out / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LinearBenchmark {
  /** rows x in x out. */
  @Param({"2048x128x384", "2048x128x128", "2048x128x512", "2048x512x128", "64x784x128"})
  String shape;

  Backend backend;
  NdArray x, w, bias;

  @Setup
  public void setup() {
    String[] s = shape.split("x");
    int rows = Integer.parseInt(s[0]), in = Integer.parseInt(s[1]), out = Integer.parseInt(s[2]);
    backend = new CpuBackend();
    SplittableRandom rng = new SplittableRandom(1);
    x = random(rng, rows, in);
    w = random(rng, out, in);
    bias = random(rng, out);
  }

  private static NdArray random(SplittableRandom rng, int... shape) {
    int n = 1;
    for (int d : shape) n *= d;
    float[] data = new float[n];
    for (int i = 0; i < n; i++) data[i] = (float) rng.nextGaussian();
    return NdArray.wrap(data, shape);
  }

  @Benchmark
  public NdArray forward() {
    return backend.linalg().linear(x, w, bias);
  }
}
