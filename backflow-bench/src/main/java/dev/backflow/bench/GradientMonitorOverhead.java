package dev.backflow.bench;

import dev.backflow.data.Batch;
import dev.backflow.data.DataLoader;
import dev.backflow.data.FashionMnist;
import dev.backflow.diagnostics.GradientMonitor;
import dev.backflow.nn.Models;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.optim.Adam;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The monitor's cost on the Fashion-MNIST MLP (784-256-128-10, Adam, batch 64), measured so that a busy
 * machine cannot fake it: blocks of 10 training steps alternate between a bare model and a monitored one (the
 * default, sampling every 10 steps), in the same JVM on the same batches, and the median of the paired
 * ratios is reported. ({@link GradientMonitorBenchmark} is the JMH version, for a quiet machine.)
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp backflow-bench/target/benchmarks.jar
 * dev.backflow.bench.GradientMonitorOverhead [blocks]}
 */
public final class GradientMonitorOverhead {
  private GradientMonitorOverhead() {}

  public static void main(String[] args) throws Exception {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    DataLoader loader = new DataLoader(FashionMnist.train(FashionMnist.DEFAULT_DIR, false), 64, true, false, 0, 0);
    Sequential bare = Models.fashionMlp(0), watched = Models.fashionMlp(0);
    Adam bareOpt = new Adam(bare.parameters(), 1e-3), watchedOpt = new Adam(watched.parameters(), 1e-3);
    GradientMonitor monitor = new GradientMonitor(watched);
    Iterator<Batch> it = loader.iterator();
    double[] ratio = new double[blocks];
    for (int b = 0; b < blocks; b++) {
      List<Batch> batches = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        if (!it.hasNext()) {
          it = loader.iterator();
          monitor.endEpoch();
        }
        batches.add(it.next());
      }
      // alternate which model goes first, so neither always runs on a warmer cache
      double tBare, tWatched;
      if (b % 2 == 0) {
        tBare = time(batches, bare, bareOpt, null);
        tWatched = time(batches, watched, watchedOpt, monitor);
      } else {
        tWatched = time(batches, watched, watchedOpt, monitor);
        tBare = time(batches, bare, bareOpt, null);
      }
      ratio[b] = tWatched / tBare;
    }
    double[] measured = Arrays.copyOfRange(ratio, blocks / 5, blocks); // the first fifth warms the JIT up
    Arrays.sort(measured);
    System.out.printf("monitor overhead: %+.2f%% (median of %d paired 10-step blocks; quartiles %+.2f%% .. %+.2f%%)%n",
        100 * (measured[measured.length / 2] - 1), measured.length, 100 * (measured[measured.length / 4] - 1),
        100 * (measured[3 * measured.length / 4] - 1));
    System.out.println("findings on the healthy MLP: " + monitor.findings());
  }

  private static double time(List<Batch> batches, Sequential model, Adam opt, GradientMonitor monitor) {
    long start = System.nanoTime();
    for (Batch batch : batches) {
      Tensor loss = Losses.crossEntropy(model.forward(batch.inputs()), batch.targets());
      loss.backward();
      float value = loss.item();
      if (monitor != null) monitor.afterBackward(value);
      opt.step();
      opt.zeroGrad();
      if (monitor != null) monitor.afterStep();
    }
    return System.nanoTime() - start;
  }
}
