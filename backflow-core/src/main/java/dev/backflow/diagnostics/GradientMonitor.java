package dev.backflow.diagnostics;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Module;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.EpochResult;
import dev.backflow.train.TrainingListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches a model train and says what is wrong with its gradients, in which layer, and how to fix it.
 *
 * <p>Every {@code every} steps it samples, per layer with parameters, the gradient norm, the weight norm and
 * the update-to-weight ratio ‖Δw‖/‖w‖; on every training forward it notes which ReLU units fired (a unit
 * silent for a whole epoch is dead) and, on sampled steps, how many sigmoid/tanh outputs sit in their flat
 * tails. Histories are ring buffers of {@code history} samples, so memory stays fixed; work between samples
 * is one pass over each ReLU's output until every unit has fired in the epoch, then nothing.
 *
 * <p>Attach it to a {@link dev.backflow.train.Trainer} as a listener, or call it from your own loop:
 * <pre>{@code
 * var monitor = new GradientMonitor(model);
 * loss.backward(); monitor.afterBackward(loss.item()); optimizer.step(); monitor.afterStep();
 * ... monitor.endEpoch();                    // after each epoch: the dead-unit rule judges whole epochs
 * System.out.println(monitor.report());      // per-layer table and findings with remedies
 * }</pre>
 */
public final class GradientMonitor implements TrainingListener, AutoCloseable {
  /** The rules judge the median of this many latest samples, so one odd batch does not trigger them. */
  static final int RECENT = 10;

  private final int every;
  private final Thresholds thresholds;
  private final List<LayerStats> layers = new ArrayList<>();
  private final List<ActivationStats> activations = new ArrayList<>();
  private final List<Tensor.HookHandle> hooks = new ArrayList<>();
  private final RingBuffer sampledSteps, globalNorms;
  private final LossTrend loss;
  /** Findings about events (a NaN loss, an explosion, an epoch with dead units), by kind and layer. */
  private final Map<String, Finding> events = new LinkedHashMap<>();
  private long steps;
  private int epochs;
  private boolean updatePending, nonFiniteGradient;
  private double firstNorm = Double.NaN, peakNorm;

  /**
   * Samples every 10 steps, keeps 100 samples, default thresholds.
   * @param model the model to watch; its ReLU, sigmoid and tanh layers get forward hooks
   * @throws IllegalArgumentException if the model has no parameters
   */
  public GradientMonitor(Module model) {
    this(model, 10, 100, Thresholds.defaults());
  }

  /**
   * A monitor with every setting.
   *
   * @param model the model to watch; its ReLU, sigmoid and tanh layers get forward hooks
   * @param every sample every this many steps, positive (1 samples every step, at a cost)
   * @param history how many samples each series keeps, positive
   * @param thresholds where the rules draw the line, e.g. {@link Thresholds#defaults()}
   * @throws IllegalArgumentException if {@code every} or {@code history} is not positive, or the model has no
   *     parameters
   */
  public GradientMonitor(Module model, int every, int history, Thresholds thresholds) {
    if (every <= 0) throw new IllegalArgumentException("GradientMonitor: every must be a positive number of steps, got " + every);
    if (history <= 0) throw new IllegalArgumentException("GradientMonitor: history must be a positive number of samples, got " + history);
    this.every = every;
    this.thresholds = thresholds;
    sampledSteps = new RingBuffer(history);
    globalNorms = new RingBuffer(history);
    loss = new LossTrend(thresholds.stallWindow());
    groupByModule(model, history);
    if (layers.isEmpty()) throw new IllegalArgumentException("GradientMonitor: the model has no parameters to watch");
    watchActivations(model, history);
  }

  /** A layer is a module's own parameters: "0.weight" and "0.bias" form layer "0 (Linear)". */
  private void groupByModule(Module model, int history) {
    Map<String, List<Tensor>> byPath = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
      int dot = e.getKey().lastIndexOf('.');
      byPath.computeIfAbsent(dot < 0 ? "" : e.getKey().substring(0, dot), k -> new ArrayList<>()).add(e.getValue());
    }
    Map<String, Module> modules = modulesByPath(model);
    for (Map.Entry<String, List<Tensor>> e : byPath.entrySet()) {
      layers.add(new LayerStats(label(e.getKey(), modules.get(e.getKey())), e.getValue(), history));
    }
  }

  private void watchActivations(Module model, int history) {
    for (Map.Entry<String, Module> e : modulesByPath(model).entrySet()) {
      if (!(e.getValue() instanceof Activation)) continue;
      Activation a = (Activation) e.getValue();
      if (!ActivationStats.watches(a.kind())) continue;
      ActivationStats stats = new ActivationStats(label(e.getKey(), a), a.kind(), history);
      activations.add(stats);
      hooks.add(a.registerForwardHook(y -> {
        // evaluation passes (no grad, eval mode) are not training: they must not keep a dead unit alive
        if (Autograd.isGradEnabled() && a.isTraining()) stats.observe(y, steps % every == 0);
      }));
    }
  }

  private static Map<String, Module> modulesByPath(Module root) {
    Map<String, Module> out = new LinkedHashMap<>();
    collect(root, "", out);
    return out;
  }

  private static void collect(Module m, String path, Map<String, Module> out) {
    out.put(path, m);
    for (Map.Entry<String, Module> c : m.children().entrySet()) {
      collect(c.getValue(), path.isEmpty() ? c.getKey() : path + "." + c.getKey(), out);
    }
  }

  private static String label(String path, Module m) {
    String type = m == null ? "?" : m instanceof Activation ? ((Activation) m).name() : m.getClass().getSimpleName();
    return (path.isEmpty() ? "model" : path) + " (" + type + ")";
  }

  // ================================================================================ recording

  /**
   * After backward, before the optimizer step, with this step's loss (which may be NaN).
   * @param lossValue the batch's loss; NaN or infinity is recorded as a finding
   */
  public void afterBackward(double lossValue) {
    long step = ++steps;
    boolean finite = Double.isFinite(lossValue);
    if (finite) loss.add(lossValue);
    if (!finite || (step - 1) % every == 0) sample(step, lossValue, finite);
  }

  private void sample(long step, double lossValue, boolean finite) {
    double sq = 0, worstNorm = -1;
    LayerStats nearestNonFinite = null, largest = null; // backward runs from the loss: the last non-finite layer went first
    int nonFinite = 0;
    for (LayerStats l : layers) {
      if (l.hasPendingUpdate()) l.skipUpdate();
      double n = l.sampleGradients(step, finite);
      sq += n * n;
      if (!Double.isFinite(n)) {
        nearestNonFinite = l;
        nonFinite++;
      }
      if (n > worstNorm) {
        worstNorm = n;
        largest = l;
      }
    }
    double global = Math.sqrt(sq);
    sampledSteps.add(step);
    globalNorms.add(global);
    updatePending = finite;
    if (!finite) {
      events.putIfAbsent(Finding.Kind.NAN_LOSS.name(),
          Rules.nanLoss(step, lossValue, loss.lastFinite(), nonFinite < layers.size() ? nearestNonFinite : null));
      return;
    }
    if (Double.isNaN(firstNorm) && global > 0) firstNorm = global;
    if (nonFiniteGradient) return; // the first overflow is the finding; later samples add nothing to it
    if (!Double.isFinite(global)) {
      nonFiniteGradient = true;
      events.put(Finding.Kind.EXPLODING_GRADIENTS.name(), Rules.nonFiniteGradient(step, lossValue, nearestNonFinite, nonFinite, layers.size()));
    } else if (global > thresholds.explodingNorm() && global > thresholds.explodingGrowth() * firstNorm && global > peakNorm) {
      peakNorm = global; // keep the worst figures seen
      events.put(Finding.Kind.EXPLODING_GRADIENTS.name(), Rules.exploding(step, global, firstNorm, largest, worstNorm, thresholds));
    }
  }

  /** After the optimizer step: completes a sampled step with its update-to-weight ratio. */
  public void afterStep() {
    if (!updatePending) return;
    updatePending = false;
    for (LayerStats l : layers) l.sampleUpdate();
  }

  /** At the end of an epoch: ReLU units that never fired in it are dead. */
  public void endEpoch() {
    epochs++;
    for (ActivationStats a : activations) {
      int dead = a.endEpoch();
      if (dead < 0) continue;
      String key = Finding.Kind.DEAD_UNITS.name() + " " + a.name();
      if (a.units() > 0 && (double) dead / a.units() >= thresholds.deadFraction()) {
        events.put(key, Rules.deadUnits(a, dead, epochs));
      } else {
        events.remove(key);
      }
    }
  }

  // ================================================================================ TrainingListener

  @Override
  public void onGradients(long step, double lossValue) {
    afterBackward(lossValue);
  }

  @Override
  public void onStep(long step, double lossValue, int samples) {
    afterStep();
  }

  @Override
  public void onEpochEnd(EpochResult result) {
    endEpoch();
  }

  /** Removes the activation hooks; the statistics stay readable. */
  @Override
  public void close() {
    for (Tensor.HookHandle h : hooks) h.remove();
    hooks.clear();
  }

  // ================================================================================ results

  /**
   * What is wrong now: the events seen (NaN loss, exploding gradients, dead units in the last epoch), then
   * the rules over the latest samples (vanishing gradients, learning rate too high or too low). Causes come
   * before symptoms: once the gradients exploded or the loss went NaN, the sizes of later gradients and steps
   * are debris, so the rules over them are not reported; a stalled loss only when no other finding explains it.
   * @return the findings, causes first; empty when nothing is wrong
   */
  public List<Finding> findings() {
    List<Finding> out = new ArrayList<>(events.values());
    boolean blownUp = has(out, Finding.Kind.EXPLODING_GRADIENTS) || has(out, Finding.Kind.NAN_LOSS);
    if (!blownUp) {
      add(out, Rules.vanishing(layers, activations, thresholds));
      add(out, Rules.learningRateTooHigh(layers, thresholds));
      // vanishing gradients also make most layers creep: the cause is reported, not the learning rate
      if (!has(out, Finding.Kind.VANISHING_GRADIENTS)) add(out, Rules.learningRateTooLow(layers, thresholds));
    }
    if (out.isEmpty()) add(out, Rules.stalled(loss, thresholds));
    return Collections.unmodifiableList(out);
  }

  private static void add(List<Finding> out, Finding f) {
    if (f != null) out.add(f);
  }

  private static boolean has(List<Finding> fs, Finding.Kind kind) {
    return fs.stream().anyMatch(f -> f.kind() == kind);
  }

  /**
   * A readable report: the loss, a per-layer table of the latest figures, and the findings with remedies.
   * @return the report as multi-line text
   */
  public String report() {
    return HealthReport.format(this);
  }

  /**
   * Layers with parameters, in the model's registration order (input side first in a Sequential).
   * @return the layers' statistics (unmodifiable)
   */
  public List<LayerStats> layers() {
    return Collections.unmodifiableList(layers);
  }

  /**
   * The ReLU, sigmoid and tanh layers watched.
   * @return the activations' statistics (unmodifiable)
   */
  public List<ActivationStats> activations() {
    return Collections.unmodifiableList(activations);
  }

  /**
   * Steps at which samples were taken, oldest first (aligned with {@link #globalGradNorms()}).
   * @return a copy of the step numbers
   */
  public double[] sampledSteps() {
    return sampledSteps.toArray();
  }

  /**
   * The gradient norm over all parameters at each sampled step, before any clipping.
   * @return a copy, oldest first, aligned with {@link #sampledSteps()}
   */
  public double[] globalGradNorms() {
    return globalNorms.toArray();
  }

  /**
   * Steps seen (calls of afterBackward).
   * @return the number of {@link #afterBackward} calls
   */
  public long steps() {
    return steps;
  }

  /**
   * Epochs seen (calls of {@link #endEpoch()}).
   *
   * @return the epoch count
   */
  public int epochs() {
    return epochs;
  }

  /**
   * The sampling interval given at construction.
   *
   * @return the number of steps between samples
   */
  public int every() {
    return every;
  }

  /**
   * The thresholds the rules use.
   *
   * @return the thresholds given at construction
   */
  public Thresholds thresholds() {
    return thresholds;
  }

  LossTrend lossTrend() {
    return loss;
  }
}
