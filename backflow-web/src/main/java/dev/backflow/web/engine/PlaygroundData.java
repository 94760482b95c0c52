package dev.backflow.web.engine;

import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.CsvPoints;
import dev.backflow.web.setup.Setup;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training and test points of a set-up, made from its seed so that a link reproduces them. Inputs
 * are [n, inputs], targets [n, 1] (class 0/1 or a value). The 4-row XOR table and the worked neuron are
 * both their own test set: there is nothing else to test on.
 */
public final class PlaygroundData {
  public final Tensor trainX, trainY, testX, testY;
  public final Domain domain;
  public final boolean sharedTestSet;

  private PlaygroundData(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, Domain domain, boolean shared) {
    this.trainX = trainX;
    this.trainY = trainY;
    this.testX = testX;
    this.testY = testY;
    this.domain = domain;
    this.sharedTestSet = shared;
  }

  public static PlaygroundData make(Setup s) {
    switch (s.dataset()) {
      case XOR4: {
        TensorDataset d = ToyDatasets.xor();
        Tensor y = d.targets().reshape(4, 1);
        return new PlaygroundData(d.inputs(), y, d.inputs(), y, new Domain(-0.5, 1.5, -0.5, 1.5), true);
      }
      case NEURON: {
        Tensor x = Tensor.of(new float[] {2f}, 1, 1), y = Tensor.of(new float[] {1f}, 1, 1);
        return new PlaygroundData(x, y, x, y, new Domain(-4, 4, 0, 0), true);
      }
      case CSV:
        return fromCsv(CsvPoints.parse(s.csv()), s.trainPercent(), s.seed());
      default:
        return split(generate(s), s.trainPercent(), s.seed(), new Domain(-1.3, 1.3, -1.3, 1.3));
    }
  }

  private static TensorDataset generate(Setup s) {
    int n = s.points();
    switch (s.dataset()) {
      case XOR: return ToyDatasets.xorQuadrants(n, s.noise(), s.seed());
      case CIRCLES: return ToyDatasets.circles(n, s.noise(), s.seed());
      case SPIRALS: return ToyDatasets.spirals(n, s.noise(), s.seed());
      case BLOBS: return ToyDatasets.blobs(n, 2, s.noise(), s.seed());
      case MOONS: return ToyDatasets.moons(n, s.noise(), s.seed());
      case REGRESSION: return TwoBumps.make(n, s.noise(), s.seed());
      default: throw new IllegalStateException("not a generated dataset: " + s.dataset());
    }
  }

  /** A seeded shuffle, then the first trainPercent% train and the rest test. */
  /** Uploaded points, split like generated ones; the heatmaps cover them with a margin, on equal axes. */
  private static PlaygroundData fromCsv(List<float[]> rows, int trainPercent, long seed) {
    int n = rows.size();
    float[] x = new float[2 * n], y = new float[n];
    double lo1 = Double.MAX_VALUE, hi1 = -Double.MAX_VALUE, lo2 = Double.MAX_VALUE, hi2 = -Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      float[] r = rows.get(i);
      x[2 * i] = r[0];
      x[2 * i + 1] = r[1];
      y[i] = r[2];
      lo1 = Math.min(lo1, r[0]); hi1 = Math.max(hi1, r[0]);
      lo2 = Math.min(lo2, r[1]); hi2 = Math.max(hi2, r[1]);
    }
    double half = Math.max(1e-3, Math.max(hi1 - lo1, hi2 - lo2)) * 0.6, c1 = (lo1 + hi1) / 2, c2 = (lo2 + hi2) / 2;
    Domain domain = new Domain(c1 - half, c1 + half, c2 - half, c2 + half);
    return split(new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n)), trainPercent, seed, domain);
  }

  private static PlaygroundData split(TensorDataset d, int trainPercent, long seed, Domain domain) {
    int n = d.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    SplittableRandom r = new SplittableRandom(seed * 31 + 7);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1), t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int nTrain = Math.max(1, Math.min(n - 1, Math.round(n * trainPercent / 100f)));
    int[] train = java.util.Arrays.copyOfRange(order, 0, nTrain), test = java.util.Arrays.copyOfRange(order, nTrain, n);
    Tensor x = d.inputs(), y = d.targets().reshape(n, 1);
    return new PlaygroundData(x.indexSelect(0, train), y.indexSelect(0, train), x.indexSelect(0, test),
        y.indexSelect(0, test), domain, false);
  }

  public int trainSize() {
    return trainX.shape(0);
  }

  public int testSize() {
    return testX.shape(0);
  }
}
