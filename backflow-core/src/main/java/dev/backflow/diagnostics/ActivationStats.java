package dev.backflow.diagnostics;

import dev.backflow.autograd.Graph;
import dev.backflow.nn.Activation;
import dev.backflow.tensor.Tensor;

/**
 * What one ReLU, sigmoid or tanh layer outputs: for ReLU, which units fired (output &gt; 0) at least once
 * this epoch, so a unit silent for the whole epoch is known to be dead; for sigmoid and tanh, the fraction of
 * outputs in the flat tails where the slope, and so the gradient passed back, is almost zero.
 *
 * <p>A unit is a feature: the channel of a 4-D [N, C, H, W] output, the last dimension otherwise.
 */
public final class ActivationStats {
  /** Sigmoid outputs beyond [0.01, 0.99] have slope below 0.01 (peak 0.25); tanh beyond ±0.99, below 0.02 (peak 1). */
  static final double SATURATION_EDGE = 0.01;

  private final String name;
  private final Activation.Kind kind;
  private final RingBuffer deadInBatch, saturated;
  private boolean[] firedThisBatch;
  /** Units that have not fired yet this epoch: the first silentCount entries. */
  private int[] silentThisEpoch;
  private int silentCount;
  private long batchesThisEpoch;
  private int lastEpochDead = -1, units;

  ActivationStats(String name, Activation.Kind kind, int history) {
    this.name = name;
    this.kind = kind;
    deadInBatch = new RingBuffer(history);
    saturated = new RingBuffer(history);
  }

  /** The activations watched: ReLU, sigmoid, tanh. The others (leaky ReLU, GELU, softplus) neither die nor saturate this way. */
  static boolean watches(Activation.Kind kind) {
    switch (kind) {
      case RELU: case SIGMOID: case TANH: return true;
      default: return false;
    }
  }

  /**
   * Path in the model and type, e.g. "1 (ReLU)".
   * @return the layer's name
   */
  public String name() {
    return name;
  }

  /**
   * RELU, SIGMOID or TANH.
   * @return the activation function
   */
  public Activation.Kind kind() {
    return kind;
  }

  /**
   * Units (features or channels) per output; 0 before the first batch.
   * @return the number of units
   */
  public int units() {
    return units;
  }

  /**
   * Per sampled batch, the fraction of ReLU units that output zero for every example of the batch.
   * @return a copy of the fractions, oldest first, within the history window
   */
  public double[] deadInBatch() {
    return deadInBatch.toArray();
  }

  /**
   * Per sampled batch, the fraction of sigmoid/tanh outputs in the saturated tails.
   * @return a copy of the fractions, oldest first, within the history window
   */
  public double[] saturated() {
    return saturated.toArray();
  }

  /**
   * ReLU units that never fired during the last completed epoch, or -1 before the first epoch ends.
   * @return the count of dead units, or -1
   */
  public int deadLastEpoch() {
    return lastEpochDead;
  }

  RingBuffer saturatedHistory() {
    return saturated;
  }

  RingBuffer deadInBatchHistory() {
    return deadInBatch;
  }

  void observe(Tensor y, boolean sample) {
    if (y.dim() == 0) return;
    if (kind != Activation.Kind.RELU) units = y.shape(y.dim() == 4 ? 1 : y.dim() - 1);
    if (kind == Activation.Kind.RELU) observeRelu(y, sample);
    else if (sample) observeSaturation(y);
  }

  private void observeRelu(Tensor y, boolean sample) {
    int rank = y.dim();
    int unitDim = rank == 4 ? 1 : rank - 1;
    int u = y.shape(unitDim);
    if (firedThisBatch == null || u != units) {
      units = u;
      firedThisBatch = new boolean[u];
      silentThisEpoch = new int[u];
      resetEpoch();
    }
    batchesThisEpoch++;
    // Once every unit has fired this epoch nothing can die before it ends: no scan unless sampling.
    if (!sample && silentCount == 0) return;
    boolean direct = y.isContiguous();
    float[] data = direct ? Graph.array(y).data() : y.toArray();
    int off = direct ? Graph.array(y).offset() : 0;
    int inner = 1, outer = 1;
    for (int d = unitDim + 1; d < rank; d++) inner *= y.shape(d);
    for (int d = 0; d < unitDim; d++) outer *= y.shape(d);
    if (sample) {
      int silent = 0;
      for (int k = 0; k < u; k++) {
        firedThisBatch[k] = fired(data, off, k, u, inner, outer);
        if (!firedThisBatch[k]) silent++;
      }
      deadInBatch.add((double) silent / u);
    }
    // Between samples only the units still silent this epoch are looked at: usually none, or the few dead ones.
    for (int i = silentCount - 1; i >= 0; i--) {
      int k = silentThisEpoch[i];
      if (sample ? firedThisBatch[k] : fired(data, off, k, u, inner, outer)) {
        silentThisEpoch[i] = silentThisEpoch[--silentCount];
      }
    }
  }

  /** Whether unit k is positive anywhere in the batch: [outer, units, inner] laid out row-major from off. */
  private static boolean fired(float[] data, int off, int k, int units, int inner, int outer) {
    for (int o = 0; o < outer; o++) {
      int at = off + (o * units + k) * inner;
      for (int i = 0; i < inner; i++) if (data[at + i] > 0) return true;
    }
    return false;
  }

  private void resetEpoch() {
    for (int k = 0; k < units; k++) silentThisEpoch[k] = k;
    silentCount = units;
    batchesThisEpoch = 0;
  }

  private void observeSaturation(Tensor y) {
    float[] v = y.toArray();
    double lo = kind == Activation.Kind.SIGMOID ? SATURATION_EDGE : -1 + SATURATION_EDGE, hi = 1 - SATURATION_EDGE;
    long flat = 0;
    for (float x : v) if (x < lo || x > hi) flat++;
    saturated.add((double) flat / v.length);
  }

  /** Closes the epoch: returns how many units never fired (ReLU only; -1 when nothing was observed). */
  int endEpoch() {
    if (kind != Activation.Kind.RELU || batchesThisEpoch == 0) return -1;
    lastEpochDead = silentCount;
    resetEpoch();
    return lastEpochDead;
  }
}
