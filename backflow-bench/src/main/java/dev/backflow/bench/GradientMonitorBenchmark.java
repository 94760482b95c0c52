package dev.backflow.bench;

import dev.backflow.diagnostics.GradientMonitor;
import dev.backflow.diagnostics.Thresholds;
import dev.backflow.nn.Models;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.optim.Adam;
import dev.backflow.tensor.Tensor;
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
 * One training step of the Fashion-MNIST MLP (784-256-128-10, batch 64, Adam), bare and with a
 * {@link GradientMonitor} sampling every 10 steps (the default) or every step: the monitor's cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GradientMonitorBenchmark {
  @Param({"off", "10", "1"})
  String every;

  Sequential model;
  Adam optimizer;
  GradientMonitor monitor;
  Tensor x, y;

  @Setup
  public void setup() {
    model = Models.fashionMlp(0);
    optimizer = new Adam(model.parameters(), 1e-3);
    if (!every.equals("off")) monitor = new GradientMonitor(model, Integer.parseInt(every), 100, Thresholds.defaults());
    SplittableRandom rng = new SplittableRandom(1);
    x = Tensor.randn(rng, 64, 784);
    float[] labels = new float[64];
    for (int i = 0; i < 64; i++) labels[i] = rng.nextInt(10);
    y = Tensor.of(labels, 64);
  }

  @Benchmark
  public float step() {
    Tensor loss = Losses.crossEntropy(model.forward(x), y);
    loss.backward();
    float value = loss.item();
    if (monitor != null) monitor.afterBackward(value);
    optimizer.step();
    optimizer.zeroGrad();
    if (monitor != null) monitor.afterStep();
    return value;
  }
}
