package dev.backflow.diagnostics;

import dev.backflow.autograd.Autograd;
import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Init;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Residual;
import dev.backflow.nn.Sequential;
import dev.backflow.optim.Adam;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Sgd;
import dev.backflow.train.EpochResult;
import dev.backflow.train.LossFunction;
import dev.backflow.train.Trainer;
import dev.backflow.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The classic failures of backpropagation reproduced on small 2-D datasets, each beside its cure, with a
 * {@link GradientMonitor} attached to both runs: what {@code backflow doctor} runs and charts.
 */
public final class Demonstrations {
  private Demonstrations() {}

  /**
   * One training run: its monitor, its per-epoch results, and why it stopped early (null if it did not).
   * @param label what was trained, as the report shows it
   * @param monitor the monitor attached to the run, with its findings
   * @param history one result per epoch completed
   * @param stoppedBy the message of the error that ended the run (a NaN loss), or null
   * @param accuracy the final training accuracy, in [0, 1]
   */
  public record Run(String label, GradientMonitor monitor, List<EpochResult> history, String stoppedBy, double accuracy) {
    /**
     * One line: how far the loss fell and the training accuracy, or why the run stopped.
     * @return the outcome as one line
     */
    public String outcome() {
      if (stoppedBy != null) return "stopped, " + stoppedBy.split(":")[0];
      return String.format(Locale.ROOT, "loss %.3f after epoch 1, %.3f after epoch %d; training accuracy %.1f%%",
          history.get(0).train().loss(), history.get(history.size() - 1).train().loss(), history.size(), 100 * accuracy);
    }
  }

  /**
   * A failure and its cures (one or more), all trained on the same data from the same seed.
   *
   * @param name  the name {@code backflow doctor --only} and the page use: vanishing, exploding, dying-relu, slow-convergence
   * @param title the failure's name as a heading, e.g. "Vanishing gradients"
   * @param failing the run that shows the failure
   * @param cures the runs that cure it, at least one
   */
  public record Demonstration(String name, String title, Run failing, List<Run> cures) {
    /**
     * Copies {@code cures}.
     *
     * @throws IllegalArgumentException if {@code cures} is empty
     * @param name the demonstration's name
     * @param title the failure's name as a heading
     * @param failing the run that shows the failure
     * @param cures the runs that cure it, at least one
     */
    public Demonstration {
      if (cures.isEmpty()) throw new IllegalArgumentException("a demonstration needs at least one cure");
      cures = List.copyOf(cures);
    }

    /**
     * A failure with a single cure.
     *
     * @param name the demonstration's name, one of {@link #NAMES}
     * @param title the failure's name as a heading
     * @param failing the run that shows the failure
     * @param cured the run that cures it
     */
    public Demonstration(String name, String title, Run failing, Run cured) {
      this(name, title, failing, List.of(cured));
    }

    /**
     * The first cure.
     * @return the first of {@link #cures()}
     */
    public Run cured() {
      return cures.get(0);
    }

    /**
     * The failing run, then the cures.
     * @return all runs, the failing one first
     */
    public List<Run> runs() {
      List<Run> all = new ArrayList<>();
      all.add(failing);
      all.addAll(cures);
      return all;
    }
  }

  /** The demonstrations' names, in the order of the articles' table of common problems. */
  public static final List<String> NAMES = List.of("vanishing", "exploding", "dying-relu", "slow-convergence");

  /**
   * Trains every demonstration, in the order of {@link #NAMES} (seconds each).
   *
   * @param seed the seed of the data, the weights and the batch order: the same seed gives the same runs
   * @return the demonstrations, trained
   */
  public static List<Demonstration> all(long seed) {
    List<Demonstration> out = new ArrayList<>();
    for (String name : NAMES) out.add(byName(name, seed));
    return out;
  }

  /**
   * One demonstration by its name; an unknown name is refused with the list of known ones.
   * @param name one of {@link #NAMES}
   * @param seed the seed of the data, the weights and the batch order: the same seed gives the same runs
   * @return the failing run and its cures, trained
   * @throws IllegalArgumentException if the name is unknown
   */
  public static Demonstration byName(String name, long seed) {
    switch (name) {
      case "vanishing": return vanishing(seed);
      case "exploding": return exploding(seed);
      case "dying-relu": return dyingRelu(seed);
      case "slow-convergence": return slowConvergence(seed);
      default: throw unknown(name);
    }
  }

  /**
   * Refuses a name that is none of {@link #NAMES}, listing them: for checking a whole list before running any.
   * @param name the name to check
   * @throws IllegalArgumentException if it is none of {@link #NAMES}
   */
  public static void requireKnown(String name) {
    if (!NAMES.contains(name)) throw unknown(name);
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("unknown demonstration '" + name + "' (expected " + String.join(", ", NAMES) + ")");
  }

  // ============================================================================ the four failures

  static final int DEEP = 20, WIDTH = 32;

  /**
   * A 20-layer sigmoid MLP (PyTorch's default init) against the same depth with ReLU, He init and residual
   * blocks; both with SGD, learning rate 0.01, momentum 0.9, on two moons.
   * @param seed the seed of the data, the weights and the batch order: the same seed gives the same runs
   * @return the failing run and its cures, trained
   */
  public static Demonstration vanishing(long seed) {
    TensorDataset data = ToyDatasets.moons(512, 0.1, seed);
    Function<Module, Optimizer> sgd = m -> new Sgd(m.parameters(), 0.01, 0.9, 0, 0, false);
    Run failing = train("20-layer sigmoid MLP, default init", data, seed, 20, Demonstrations::deepSigmoid, sgd, 0);
    Run cured = train("20 layers: ReLU, He init, residual blocks", data, seed, 20, Demonstrations::deepResidualRelu, sgd, 0);
    return new Demonstration("vanishing", "Vanishing gradients", failing, cured);
  }

  /**
   * An 8-layer ReLU MLP whose weights start 1.5x the He scale, so each layer amplifies the signal, trained
   * with SGD (learning rate 0.2, momentum 0.9) on two moons: without clipping, then with the gradient norm
   * clipped to 1.
   * @param seed the seed of the data, the weights and the batch order: the same seed gives the same runs
   * @return the failing run and its cures, trained
   */
  public static Demonstration exploding(long seed) {
    TensorDataset data = ToyDatasets.moons(512, 0.1, seed);
    Function<Module, Optimizer> sgd = m -> new Sgd(m.parameters(), 0.2, 0.9, 0, 0, false);
    Run failing = train("8-layer ReLU MLP, weights 1.5x He, no clipping", data, seed, 10, Demonstrations::tooLarge, sgd, 0);
    Run cured = train("the same, gradient norm clipped to 1", data, seed, 10, Demonstrations::tooLarge, sgd, 1.0);
    return new Demonstration("exploding", "Exploding gradients", failing, cured);
  }

  /**
   * A 4-layer ReLU MLP, 32 units wide, He init, with Adam at learning rate 0.1 (100x the usual 1e-3) on two
   * moons, against the same with leaky ReLU (slope 0.01).
   * @param seed the seed of the data, the weights and the batch order: the same seed gives the same runs
   * @return the failing run and its cures, trained
   */
  public static Demonstration dyingRelu(long seed) {
    TensorDataset data = ToyDatasets.moons(512, 0.1, seed);
    Function<Module, Optimizer> adam = m -> new Adam(m.parameters(), 0.1);
    Run failing = train("ReLU MLP, Adam learning rate 0.1", data, seed, 10, r -> mlp(r, Activation::relu), adam, 0);
    Run cured = train("leaky ReLU MLP, the same learning rate", data, seed, 10,
        r -> mlp(r, () -> Activation.leakyRelu(0.01f)), adam, 0);
    return new Demonstration("dying-relu", "Dying ReLUs", failing, cured);
  }

  /**
   * The 2-32-32-32-2 ReLU MLP of {@link #dyingRelu} trained with plain SGD at learning rate 0.001, 100x below
   * the 0.1 that suits it, beside the same network with SGD at 0.1 and with Adam at 0.001 (whose step size does
   * not depend on the gradient's scale), on two moons: the articles' "loss decreases very slowly".
   * @param seed the seed of the data, the weights and the batch order: the same seed gives the same runs
   * @return the failing run and its cures, trained
   */
  public static Demonstration slowConvergence(long seed) {
    TensorDataset data = ToyDatasets.moons(512, 0.1, seed);
    Function<SplittableRandom, Module> relu = r -> mlp(r, Activation::relu);
    Run failing = train("ReLU MLP, SGD learning rate 0.001 (100x too low)", data, seed, SLOW_EPOCHS, relu,
        m -> new Sgd(m.parameters(), 0.001), 0);
    Run sgd = train("the same, SGD learning rate 0.1", data, seed, SLOW_EPOCHS, relu, m -> new Sgd(m.parameters(), 0.1), 0);
    Run adam = train("the same, Adam learning rate 0.001", data, seed, SLOW_EPOCHS, relu, m -> new Adam(m.parameters(), 1e-3), 0);
    return new Demonstration("slow-convergence", "Slow convergence", failing, List.of(sgd, adam));
  }

  /** 16 steps per epoch: 20 epochs give the monitor's stall rule two disjoint windows of 100 steps to compare. */
  static final int SLOW_EPOCHS = 20;

  // ============================================================================ models

  static Sequential deepSigmoid(SplittableRandom rng) {
    Sequential s = new Sequential(new Linear(2, WIDTH, rng), Activation.sigmoid());
    for (int i = 0; i < DEEP - 2; i++) s.add(new Linear(WIDTH, WIDTH, rng)).add(Activation.sigmoid());
    return s.add(new Linear(WIDTH, 2, rng));
  }

  /**
   * 20 linear layers: an input layer, 18 pre-activation residual blocks x + W·relu(x), and an output layer.
   * Each block adds its branch to its input, so with plain He init the signal's variance would double per
   * block (2^18 in all); He weights scaled by 1/√18 keep the sum's growth within e. ReLU on the residual
   * stream, which the skip keeps varied, rarely dies.
   */
  static Sequential deepResidualRelu(SplittableRandom rng) {
    int blocks = DEEP - 2;
    Sequential s = new Sequential(he(new Linear(2, WIDTH, rng), rng));
    for (int i = 0; i < blocks; i++) {
      s.add(new Residual(new Sequential(Activation.relu(), scaled(new Linear(WIDTH, WIDTH, rng), rng, 1 / Math.sqrt(blocks)))));
    }
    return s.add(Activation.relu()).add(new Linear(WIDTH, 2, rng));
  }

  /** 8 linear layers with He weights times 1.5: each layer amplifies the signal, forward and backward. */
  static Sequential tooLarge(SplittableRandom rng) {
    Sequential s = new Sequential(scaled(new Linear(2, WIDTH, rng), rng, 1.5), Activation.relu());
    for (int i = 0; i < 6; i++) s.add(scaled(new Linear(WIDTH, WIDTH, rng), rng, 1.5)).add(Activation.relu());
    return s.add(scaled(new Linear(WIDTH, 2, rng), rng, 1.5));
  }

  /** 2-32-32-32-2 with He init. */
  static Sequential mlp(SplittableRandom rng, Supplier<Activation> act) {
    int w = WIDTH;
    return new Sequential(he(new Linear(2, w, rng), rng), act.get(), he(new Linear(w, w, rng), rng), act.get(),
        he(new Linear(w, w, rng), rng), act.get(), he(new Linear(w, 2, rng), rng));
  }

  /** He (Kaiming) normal weights, zero bias: the initialization made for ReLU. */
  static Linear he(Linear l, SplittableRandom rng) {
    return scaled(l, rng, 1);
  }

  /** He normal weights times {@code factor}, zero bias. */
  static Linear scaled(Linear l, SplittableRandom rng, double factor) {
    try (var g = Autograd.noGrad()) {
      int[] shape = l.weight.shape();
      l.weight.copy_(Init.kaimingNormal(rng, factor * Init.gain("relu", 0), shape));
      if (l.bias != null) l.bias.fill_(0f);
    }
    return l;
  }

  // ============================================================================ training

  /** Cross-entropy, batches of 32, a monitor sampling every step; a NaN loss ends the run, not the program. */
  static Run train(String label, TensorDataset data, long seed, int epochs, Function<SplittableRandom, Module> model,
                   Function<Module, Optimizer> optimizer, double clip) {
    Module m = model.apply(new SplittableRandom(seed));
    GradientMonitor monitor = new GradientMonitor(m, 1, 1000, Thresholds.defaults());
    List<EpochResult> history = new ArrayList<>(); // filled as epochs end, so a NaN keeps the history so far
    Trainer trainer = new Trainer(m, optimizer.apply(m), LossFunction.crossEntropy()).listener(monitor)
        .listener(TrainingListener.eachEpoch(history::add)).clipGradNorm(clip);
    String stopped = null;
    try {
      trainer.fit(new DataLoader(data, 32, true, false, seed, 0), null, epochs);
    } catch (ArithmeticException e) {
      stopped = e.getMessage();
    }
    double acc = stopped != null ? Double.NaN : trainer.evaluate(new DataLoader(data, data.size(), false, false, 0, 0)).accuracy();
    monitor.close();
    return new Run(label, monitor, history, stopped, acc);
  }
}
