package dev.backflow.train;

import java.util.function.Consumer;

/** Observes training (progress bars, charts, diagnostics). All methods are optional. */
public interface TrainingListener {
  /**
   * Called before epoch {@code epoch} (from 1) of {@code batches} batches.
   * @param epoch the epoch's number, from 1
   * @param batches the number of batches it will run
   */
  default void onEpochStart(int epoch, int batches) {}

  /**
   * After backward, before gradient clipping and the optimizer step: every parameter's grad() holds this
   * step's gradient. Also called with a NaN or infinite {@code loss}, just before the trainer stops on it.
   * @param step the optimizer step about to be taken, from 1 over the whole run
   * @param loss the batch's loss
   */
  default void onGradients(long step, double loss) {}

  /**
   * After each optimizer step: the batch's loss and how many samples it held.
   * @param step the optimizer step just taken, from 1 over the whole run
   * @param loss the batch's loss, computed before the step
   * @param samples the number of examples in the batch
   */
  default void onStep(long step, double loss, int samples) {}

  /**
   * After each epoch (and its evaluation), before the scheduler steps.
   * @param result the epoch's metrics and timing
   */
  default void onEpochEnd(EpochResult result) {}

  /**
   * A listener that only acts at the end of each epoch: {@code trainer.listener(TrainingListener.eachEpoch(history::add))}.
   * @param action called with each epoch's result
   * @return a listener that ignores every other event
   * @throws NullPointerException if {@code action} is null
   */
  static TrainingListener eachEpoch(Consumer<EpochResult> action) {
    java.util.Objects.requireNonNull(action, "eachEpoch: the action is null");
    return new TrainingListener() {
      @Override
      public void onEpochEnd(EpochResult result) {
        action.accept(result);
      }
    };
  }
}
