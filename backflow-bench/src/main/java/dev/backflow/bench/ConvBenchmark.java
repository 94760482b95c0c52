package dev.backflow.bench;

import dev.backflow.backend.Backend;
import dev.backflow.backend.Conv2dSpec;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Pool2dSpec;
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
 * The Fashion-MNIST CNN's two convolution layers (forward, input gradient, weight gradient) and its
 * max-pooling, batch 64: the kernels behind the CNN row of the speed table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
  /** "in,out,size": conv1 is 1→32 channels at 28x28, conv2 32→64 at 14x14; 3x3 kernels, padding 1. */
  @Param({"1,32,28", "32,64,14"})
  String layer;

  Backend backend;
  NdArray x, w, gOut;
  int[] xShape, wShape;
  Conv2dSpec spec = new Conv2dSpec(1, 1, 1, 1, 1, 1, 1);
  Pool2dSpec pool = new Pool2dSpec(2, 2, 2, 2, 0, 0, 1, 1, true);

  @Setup
  public void setup() {
    String[] p = layer.split(",");
    int in = Integer.parseInt(p[0]), out = Integer.parseInt(p[1]), size = Integer.parseInt(p[2]);
    backend = new CpuBackend();
    SplittableRandom rng = new SplittableRandom(1);
    xShape = new int[] {64, in, size, size};
    wShape = new int[] {out, in, 3, 3};
    x = random(rng, xShape);
    w = random(rng, wShape);
    gOut = random(rng, 64, out, size, size);
  }

  private static NdArray random(SplittableRandom rng, int... shape) {
    int n = 1;
    for (int s : shape) n *= s;
    float[] d = new float[n];
    for (int i = 0; i < n; i++) d[i] = (float) rng.nextGaussian();
    return NdArray.wrap(d, shape);
  }

  @Benchmark public NdArray forward() { return backend.convolution().conv2d(x, w, spec); }
  @Benchmark public NdArray backwardInput() { return backend.convolution().conv2dBackwardInput(gOut, w, xShape, spec); }
  @Benchmark public NdArray backwardWeight() { return backend.convolution().conv2dBackwardWeight(gOut, x, wShape, spec); }
  @Benchmark public Object maxPool() { return backend.pooling().maxPool2d(gOut, pool); }
}
