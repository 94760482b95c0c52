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
 * Square matrix products by size and layout (NN, NT = x @ W^T, TN = the weight-gradient product), on the
 * SIMD kernel and its scalar twin. GFLOPS = 2 n^3 / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
  @Param({"256", "512", "1024"})
  int n;

  @Param({"NN", "NT", "TN"})
  String layout;

  @Param({"simd", "scalar"})
  String kernel;

  Backend backend;
  NdArray a, b;

  @Setup
  public void setup() {
    backend = kernel.equals("simd") ? new CpuBackend() : CpuBackend.scalar();
    SplittableRandom rng = new SplittableRandom(1);
    a = matrix(rng, layout.charAt(0) == 'T');
    b = matrix(rng, layout.charAt(1) == 'T');
  }

  private NdArray matrix(SplittableRandom rng, boolean transposed) {
    float[] d = new float[n * n];
    for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextGaussian();
    NdArray m = NdArray.wrap(d, 1, n, n);
    return transposed ? m.transpose(1, 2) : m;
  }

  @Benchmark
  public NdArray multiply() {
    return backend.linalg().bmm(a, b);
  }
}
