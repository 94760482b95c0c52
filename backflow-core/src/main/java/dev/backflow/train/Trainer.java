package dev.backflow.train;

import dev.backflow.amp.GradScaler;
import dev.backflow.autograd.Autograd;
import dev.backflow.data.Batch;
import dev.backflow.data.DataLoader;
import dev.backflow.nn.Module;
import dev.backflow.optim.GradClip;
import dev.backflow.optim.LrScheduler;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop: forward, loss, backward, (clip,) step, for each mini-batch of each epoch, with
 * evaluation after every epoch, optional gradient accumulation, an LR schedule stepped per epoch, and early
 * stopping on the validation loss. Listeners see every epoch as it ends; {@link #evaluate(Module, DataLoader,
 * LossFunction)} scores a model without a trainer.
 */
public final class Trainer {
  private final Module model;
  private final Optimizer optimizer;
  private final LossFunction loss;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private LrScheduler scheduler;
  private GradScaler scaler;
  private double clipNorm;
  private int accumulation = 1;
  private int patience;
  private long steps;
  /** Epochs completed, including those of the run this one resumes; and how far the scheduler has been stepped. */
  private int epochsDone, scheduledEpochs;

  /**
   * A trainer of {@code model} by {@code optimizer} on {@code loss}.
   * @param model the model to train; its {@code forward} takes a batch's inputs
   * @param optimizer the optimizer over the model's parameters
   * @param loss the loss of the model's output against a batch's targets
   * @throws NullPointerException if an argument is null
   */
  public Trainer(Module model, Optimizer optimizer, LossFunction loss) {
    this.model = java.util.Objects.requireNonNull(model, "Trainer: the model is null");
    this.optimizer = java.util.Objects.requireNonNull(optimizer, "Trainer: the optimizer is null");
    this.loss = java.util.Objects.requireNonNull(loss, "Trainer: the loss function is null");
  }

  /**
   * Adds a listener of epochs and steps; returns this.
   * @param l the listener; listeners are called in the order added
   * @return this trainer, for chaining
   */
  public Trainer listener(TrainingListener l) {
    listeners.add(l);
    return this;
  }

  /**
   * Loss scaling for mixed precision: backward runs on loss·scale and steps go through the scaler.
   * @param s the scaler, or null for none
   * @return this trainer, for chaining
   * @throws IllegalArgumentException if gradient clipping is on (the two cannot be combined yet)
   */
  public Trainer gradScaler(GradScaler s) {
    if (s != null && clipNorm > 0) throw new IllegalArgumentException("gradient clipping with a GradScaler is not supported yet");
    this.scaler = s;
    return this;
  }

  /**
   * Stepped once at the end of every epoch. A scheduler is taken as fresh (at epoch 0): a trainer that
   * {@linkplain #resumeAfter resumes} a run first steps it over the epochs already done.
   * @param s the schedule, built over this trainer's optimizer; null for none
   * @return this trainer, for chaining
   */
  public Trainer scheduler(LrScheduler s) {
    this.scheduler = s;
    this.scheduledEpochs = 0;
    return this;
  }

  /**
   * Continues a run that completed {@code epochs} epochs (restored from a checkpoint): the next epoch is
   * numbered {@code epochs + 1}, and the scheduler is brought to where that run left it. The data loader's
   * shuffling is the caller's ({@code DataLoader.setEpoch}).
   * @param epochs the number of epochs the earlier run completed, 0 or more
   * @return this trainer, for chaining
   * @throws IllegalArgumentException if {@code epochs} is negative
   */
  public Trainer resumeAfter(int epochs) {
    if (epochs < 0) throw new IllegalArgumentException("resumeAfter: epochs must be 0 or more, got " + epochs);
    this.epochsDone = epochs;
    return this;
  }

  /**
   * Clip the global gradient norm to {@code maxNorm} before each step (0 = off).
   * Like calling {@code torch.nn.utils.clip_grad_norm_} between backward and step.
   *
   * @param maxNorm the largest global gradient norm allowed, or 0 to turn clipping off
   * @return this trainer, for chaining
   * @throws IllegalArgumentException if {@code maxNorm} is negative
   */
  public Trainer clipGradNorm(double maxNorm) {
    if (maxNorm < 0) throw new IllegalArgumentException("clipGradNorm must be 0 (off) or positive, got " + maxNorm);
    this.clipNorm = maxNorm;
    return this;
  }

  /**
   * Accumulate gradients over k mini-batches before each step. Each micro-batch loss is scaled by 1/k, so
   * k batches of n give the same update as one batch of k·n (for losses that are means over the batch).
   *
   * <p>The float order is fixed: micro-batch i's gradient g_i is computed on its own (into a fresh gradient,
   * as if no earlier micro-batch had run) and then added to the running sum, so each parameter's gradient is
   * {@code ((g_0 + g_1) + g_2) + ... + g_(k-1)}. Data-parallel training that computes the g_i on k workers
   * and folds them in that order (backflow-spark) therefore gets exactly these bits.
   * @param k the number of mini-batches per optimizer step, positive (1 = no accumulation)
   * @return this trainer, for chaining
   * @throws IllegalArgumentException if {@code k} is not positive
   */
  public Trainer accumulate(int k) {
    if (k <= 0) throw new IllegalArgumentException("accumulation steps must be positive, got " + k);
    this.accumulation = k;
    return this;
  }

  /**
   * Stop when the validation loss has not improved for {@code epochs} epochs (0 = never).
   * @param epochs the patience, in epochs, 0 or more; it needs a validation loader in {@link #fit}
   * @return this trainer, for chaining
   * @throws IllegalArgumentException if {@code epochs} is negative
   */
  public Trainer earlyStopping(int epochs) {
    if (epochs < 0) throw new IllegalArgumentException("early stopping patience must be 0 or more, got " + epochs);
    this.patience = epochs;
    return this;
  }

  /**
   * The optimizer steps taken so far.
   * @return the number of optimizer steps this trainer has taken
   */
  public long steps() {
    return steps;
  }

  /**
   * Epochs completed so far, counting those of a resumed run.
   * @return the number of epochs completed, including those given to {@link #resumeAfter}
   */
  public int epochs() {
    return epochsDone;
  }

  /**
   * Trains for up to {@code epochs} more epochs, numbered on from the epochs already done; {@code validation}
   * may be null. Listeners see each epoch end before the scheduler steps; if training stops on a non-finite
   * loss, the epochs they saw are the history so far.
   * @param train the training batches; the model is put in training mode for them
   * @param validation the batches to evaluate after each epoch, or null for none
   * @param epochs the maximum number of epochs to run, 0 or more
   * @return one result per epoch run, in order (fewer than {@code epochs} if early stopping ended the run)
   * @throws IllegalArgumentException if {@code epochs} is negative
   * @throws NullPointerException if {@code train} is null
   * @throws ArithmeticException if the training loss becomes NaN or infinite (the message says at which step)
   * @throws IllegalStateException if the training loader yields no batch in an epoch
   */
  public List<EpochResult> fit(DataLoader train, DataLoader validation, int epochs) {
    if (epochs < 0) throw new IllegalArgumentException("epochs must be 0 or more, got " + epochs);
    java.util.Objects.requireNonNull(train, "fit: the training DataLoader is null");
    List<EpochResult> history = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    int sinceBest = 0;
    if (scheduler != null) for (; scheduledEpochs < epochsDone; scheduledEpochs++) scheduler.step();
    for (int i = 0; i < epochs; i++) {
      EpochResult r = trainEpoch(epochsDone + 1, train, validation);
      epochsDone++;
      history.add(r);
      for (TrainingListener l : listeners) l.onEpochEnd(r);
      if (scheduler != null) {
        scheduler.step();
        scheduledEpochs++;
      }
      if (patience > 0 && r.validation() != null) {
        if (r.validation().loss() < best - 1e-9) {
          best = r.validation().loss();
          sinceBest = 0;
        } else if (++sinceBest >= patience) {
          break;
        }
      }
    }
    return history;
  }

  private EpochResult trainEpoch(int epoch, DataLoader train, DataLoader validation) {
    for (TrainingListener l : listeners) l.onEpochStart(epoch, train.batchesPerEpoch());
    model.train();
    long start = System.nanoTime();
    double lossSum = 0;
    long correct = 0, seen = 0;
    boolean classification = true;
    int micro = 0;
    optimizer.zeroGrad();
    for (Batch batch : train) {
      Tensor out = model.forward(batch.inputs());
      Tensor l = loss.apply(out, batch.targets());
      Tensor toBackprop = accumulation == 1 ? l : l.mul(1f / accumulation);
      List<Tensor> earlier = micro == 0 ? null : takeGradients();
      (scaler == null ? toBackprop : scaler.scale(toBackprop)).backward();
      if (earlier != null) addAfter(earlier);
      double value = l.item();
      if (!Double.isFinite(value)) {
        for (TrainingListener li : listeners) li.onGradients(steps + 1, value);
        throw new ArithmeticException("training loss became " + value + " at epoch " + epoch + ", step " + (steps + 1)
            + ": lower the learning rate, clip gradients, or run with Autograd.detectAnomaly(true) to find the op");
      }
      int n = batch.size();
      lossSum += value * n;
      seen += n;
      if (classification) {
        long c = countCorrect(out, batch.targets());
        if (c < 0) classification = false;
        else correct += c;
      }
      if (++micro == accumulation) {
        for (TrainingListener li : listeners) li.onGradients(steps + 1, value);
        step();
        micro = 0;
        for (TrainingListener li : listeners) li.onStep(steps, value, n);
      }
    }
    if (micro > 0) step();
    if (seen == 0) throw noBatches("fit: training epoch " + epoch, train);
    double seconds = (System.nanoTime() - start) / 1e9;
    Metrics trainMetrics = new Metrics(lossSum / seen, classification ? (double) correct / seen : Double.NaN, seen);
    Metrics val = validation == null ? null : evaluate(validation);
    return new EpochResult(epoch, trainMetrics, val, seconds, seen / seconds, optimizer.paramGroups().get(0).lr());
  }

  /** A loss over no examples is 0/0: refuse by name rather than report NaN as if it were a result. */
  private static IllegalStateException noBatches(String where, DataLoader loader) {
    return new IllegalStateException(where + " got no batches from its DataLoader (" + loader.dataset().size() + " examples, batch size "
        + loader.batchSize() + ", dropLast=" + loader.dropLast()
        + "), so there is no loss or accuracy to report; did the dataset shrink after the loader was made?");
  }

  /** Takes the gradients summed so far out of the parameters, so the next backward computes one micro-batch's alone. */
  private List<Tensor> takeGradients() {
    List<Tensor> params = model.parameters();
    List<Tensor> sums = new ArrayList<>(params.size());
    for (Tensor p : params) {
      sums.add(p.grad());
      p.setGrad(null);
    }
    return sums;
  }

  /** grad = earlier sum + this micro-batch's gradient (in that order: see {@link #accumulate}). */
  private void addAfter(List<Tensor> earlier) {
    List<Tensor> params = model.parameters();
    try (var g = Autograd.noGrad()) {
      for (int i = 0; i < params.size(); i++) {
        Tensor sum = earlier.get(i), mine = params.get(i).grad();
        if (sum != null) params.get(i).setGrad(mine == null ? sum : sum.add(mine));
      }
    }
  }

  private void step() {
    if (scaler != null) {
      // The scaler unscales, skips the step when a gradient overflowed, and adapts its scale.
      scaler.step(optimizer, model.parameters());
    } else {
      if (clipNorm > 0) GradClip.clipGradNorm(model.parameters(), clipNorm);
      optimizer.step();
    }
    optimizer.zeroGrad();
    steps++;
  }

  /**
   * Mean loss and accuracy of the trainer's model over a loader: {@link #evaluate(Module, DataLoader, LossFunction)}.
   * @param loader the batches to score
   * @return the mean loss, the accuracy (NaN unless classification) and the number of examples
   * @throws IllegalStateException if the loader yields no batch
   */
  public Metrics evaluate(DataLoader loader) {
    return evaluate(model, loader, loss);
  }

  /**
   * Mean loss and accuracy (NaN unless the targets are classes) of {@code model} over a loader, in eval mode and
   * without recording a graph; the model's mode is restored after.
   * Accuracy counts the argmax of logits {@code [N, C]} against class indices {@code [N]}.
   *
   * @param model the model to score
   * @param loader the batches to score
   * @param loss the loss of the model's output against a batch's targets
   * @return the mean loss, the accuracy (NaN unless classification) and the number of examples
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the loader yields no batch
   */
  public static Metrics evaluate(Module model, DataLoader loader, LossFunction loss) {
    java.util.Objects.requireNonNull(model, "evaluate: the model is null");
    java.util.Objects.requireNonNull(loader, "evaluate: the DataLoader is null");
    java.util.Objects.requireNonNull(loss, "evaluate: the loss function is null");
    boolean wasTraining = model.isTraining();
    model.eval();
    double lossSum = 0;
    long correct = 0, seen = 0;
    boolean classification = true;
    try (var g = Autograd.noGrad()) {
      for (Batch batch : loader) {
        Tensor out = model.forward(batch.inputs());
        int n = batch.size();
        lossSum += loss.apply(out, batch.targets()).item() * n;
        seen += n;
        if (classification) {
          long c = countCorrect(out, batch.targets());
          if (c < 0) classification = false;
          else correct += c;
        }
      }
    } finally {
      model.train(wasTraining);
    }
    if (seen == 0) throw noBatches("evaluate", loader);
    return new Metrics(lossSum / seen, classification ? (double) correct / seen : Double.NaN, seen);
  }

  /** Correct predictions for logits [N, C] and class targets [N]; -1 when the task is not classification. */
  static long countCorrect(Tensor out, Tensor targets) {
    try (var g = Autograd.noGrad()) {
      if (out.dim() == 2 && targets.dim() == 1 && out.shape(1) > 1) {
        return (long) out.argmax(1).eq(targets).sum().item();
      }
      return -1;
    }
  }
}
