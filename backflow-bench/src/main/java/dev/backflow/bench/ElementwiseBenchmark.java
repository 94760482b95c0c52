package dev.backflow.bench;

import dev.backflow.backend.Backend;
import dev.backflow.backend.BinaryOp;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.ReduceOp;
import dev.backflow.backend.UnaryOp;
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
 * Element-wise maps, broadcasts, reductions and the fused softmax on a [rows, cols] activation, on the
 * SIMD kernels and their plain-Java twins: the per-op costs that dominate small-batch training.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {
  @Param({"64x256", "2048x512"})
  String shape;

  @Param({"simd", "scalar"})
  String kernel;

  Backend backend;
  NdArray x, y, bias, transposed;
  boolean[] lastDim, firstDim;

  @Setup
  public void setup() {
    String[] p = shape.split("x");
    int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
    backend = kernel.equals("simd") ? new CpuBackend() : CpuBackend.scalar();
    SplittableRandom rng = new SplittableRandom(1);
    x = random(rng, rows, cols);
    y = random(rng, rows, cols);
    bias = random(rng, cols);
    transposed = random(rng, cols, rows).transpose(0, 1);
    lastDim = new boolean[] {false, true};
    firstDim = new boolean[] {true, false};
  }

  private static NdArray random(SplittableRandom rng, int... shape) {
    int n = 1;
    for (int s : shape) n *= s;
    float[] d = new float[n];
    for (int i = 0; i < n; i++) d[i] = (float) rng.nextGaussian();
    return NdArray.wrap(d, shape);
  }

  @Benchmark public NdArray add() { return backend.elementwise().binary(BinaryOp.ADD, x, y); }
  @Benchmark public NdArray addBias() { return backend.elementwise().binary(BinaryOp.ADD, x, bias); }
  @Benchmark public NdArray addTransposed() { return backend.elementwise().binary(BinaryOp.ADD, x, transposed); }
  @Benchmark public NdArray relu() { return backend.elementwise().unary(UnaryOp.RELU, x, 0, 0); }
  @Benchmark public NdArray gelu() { return backend.elementwise().unary(UnaryOp.GELU_ERF, x, 0, 0); }
  @Benchmark public NdArray tanh() { return backend.elementwise().unary(UnaryOp.TANH, x, 0, 0); }
  @Benchmark public NdArray sumLastDim() { return backend.reductions().reduce(ReduceOp.SUM, x, lastDim, true); }
  @Benchmark public NdArray sumFirstDim() { return backend.reductions().reduce(ReduceOp.SUM, x, firstDim, false); }
  @Benchmark public NdArray maxLastDim() { return backend.reductions().reduce(ReduceOp.MAX, x, lastDim, true); }
  @Benchmark public NdArray softmax() { return backend.reductions().softmax(x, 1, false); }
}
