package dev.backflow.web.engine;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Linear;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Optimizers;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.Setup;
import java.util.SplittableRandom;

/**
 * One network training on one set-up's data: mini-batches in a seeded shuffled order, one optimizer
 * step at a time. Not thread-safe; its session serializes access.
 */
public final class TrainingRun {
  private Setup setup;
  private final PlaygroundData data;
  private final PlaygroundNetwork network;
  private Optimizer optimizer;
  private final SplittableRandom shuffler;
  private int[] order;
  private int cursor;
  private long steps;
  private int epoch;
  private boolean diverged;

  public TrainingRun(Setup setup) {
    this.setup = setup;
    this.data = PlaygroundData.make(setup);
    this.network = PlaygroundNetwork.build(setup);
    this.optimizer = Optimizers.create(setup.optimizer().id, network.parameters(), setup.learningRate());
    this.shuffler = new SplittableRandom(setup.seed() * 7919 + 3);
    this.order = new int[data.trainSize()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    shuffle();
  }

  /**
   * Takes a set-up that trains the same model differently (optimizer, learning rate, batch, penalty,
   * loss) without resetting the weights, as TensorFlow Playground users asked for. A new optimizer kind
   * starts with fresh optimizer state.
   */
  public void retune(Setup next) {
    if (!next.sameModelAs(setup)) throw new IllegalArgumentException("retune needs the same data and network");
    if (next.optimizer() != setup.optimizer()) {
      optimizer = Optimizers.create(next.optimizer().id, network.parameters(), next.learningRate());
    } else {
      optimizer.paramGroups().forEach(g -> g.setLr(next.learningRate()));
    }
    setup = next;
  }

  private void shuffle() {
    for (int i = order.length - 1; i > 0; i--) {
      int j = shuffler.nextInt(i + 1), t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  /**
   * The training rows of the next mini-batch. The epoch counts completed passes over the training set,
   * as TensorFlow Playground's does: the batch that leaves too few rows for another ends the pass (so one
   * full-batch step is epoch 1), and the next pass is reshuffled.
   */
  public int[] nextBatch() {
    int size = Math.min(setup.batchSize(), order.length);
    if (cursor + size > order.length) endEpoch(); // only after a retune to a bigger batch mid-pass
    int[] rows = java.util.Arrays.copyOfRange(order, cursor, cursor + size);
    cursor += size;
    if (cursor + size > order.length) endEpoch();
    return rows;
  }

  private void endEpoch() {
    cursor = 0;
    epoch++;
    shuffle();
  }

  /** One optimizer step on the next mini-batch; returns its data loss (NaN once training has diverged). */
  public double step() {
    if (diverged) return Double.NaN;
    int[] rows = nextBatch();
    Tensor x = data.trainX.indexSelect(0, rows), y = data.trainY.indexSelect(0, rows);
    optimizer.zeroGrad();
    ForwardPass f = network.forward(x, false);
    Tensor loss = TrainingLoss.of(setup.loss(), f, y);
    Tensor penalty = WeightPenalty.of(setup.regularization(), setup.regularizationRate(), network.weights());
    (penalty == null ? loss : loss.add(penalty)).backward();
    optimizer.step();
    steps++;
    double value = loss.item();
    if (!Double.isFinite(value) || !network.isFinite()) diverged = true;
    return value;
  }

  /** Counts a step taken outside {@link #step()} (the stepper's traced step). */
  public void countStep(double loss) {
    steps++;
    if (!Double.isFinite(loss) || !network.isFinite()) diverged = true;
  }

  public Metrics evaluate() {
    double trainLoss = loss(data.trainX, data.trainY), testLoss = loss(data.testX, data.testY);
    if (!setup.dataset().classification) return new Metrics(trainLoss, testLoss, null, null);
    return new Metrics(trainLoss, testLoss, accuracy(data.trainX, data.trainY), accuracy(data.testX, data.testY));
  }

  private double loss(Tensor x, Tensor y) {
    try (var g = Autograd.noGrad()) {
      ForwardPass f = network.forward(x, false);
      if (!f.outputZ().isFinite()) return Double.NaN;
      return TrainingLoss.of(setup.loss(), f, y).item();
    }
  }

  /** The share of points on the right side of ŷ = 0.5. */
  public double accuracy(Tensor x, Tensor y) {
    try (var g = Autograd.noGrad()) {
      Tensor predicted = network.forward(x, false).output().gt(0.5f);
      return predicted.eq(y).mean().item();
    }
  }

  public double trainAccuracy() {
    return accuracy(data.trainX, data.trainY);
  }

  public Snapshot snapshot(boolean running, String stopReason, Long seq) {
    long start = System.nanoTime();
    int depth = network.depth();
    double[][][] weights = new double[depth][][];
    double[][][] grads = new double[depth][][];
    double[][] biases = new double[depth][];
    for (int l = 0; l < depth; l++) {
      Linear layer = network.layers().get(l);
      int out = layer.weight.shape(0), in = layer.weight.shape(1);
      float[] w = layer.weight.toArray(), b = layer.bias.toArray();
      weights[l] = new double[out][in];
      biases[l] = new double[out];
      for (int j = 0; j < out; j++) {
        for (int i = 0; i < in; i++) weights[l][j][i] = Rounding.round(w[j * in + i], 4);
        biases[l][j] = Rounding.round(b[j], 4);
      }
      // The last step's ∂L/∂W, as float digits: a small gradient must not round to 0.
      Tensor g = layer.weight.grad();
      if (g == null) {
        grads = null;
      } else if (grads != null) {
        float[] gv = g.toArray();
        grads[l] = new double[out][in];
        for (int j = 0; j < out; j++) {
          for (int i = 0; i < in; i++) grads[l][j][i] = Double.parseDouble(Float.toString(gv[j * in + i]));
        }
      }
    }
    Metrics m = evaluate();
    Heatmap output = HeatmapGrid.output(network, data.domain);
    var neurons = HeatmapGrid.hidden(network, data.domain);
    double ms = (System.nanoTime() - start) / 1e6;
    return new Snapshot(steps, epoch, running, diverged, stopReason, m, weights, grads, biases, output, neurons, seq,
        Rounding.round(ms, 2));
  }

  public Setup setup() {
    return setup;
  }

  public PlaygroundData data() {
    return data;
  }

  public PlaygroundNetwork network() {
    return network;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public long steps() {
    return steps;
  }

  public int epoch() {
    return epoch;
  }

  public boolean diverged() {
    return diverged;
  }
}
