package dev.backflow.train;

import java.util.function.Consumer;

/** Observes training (progress bars, charts, diagnostics). All methods are optional. */
public interface TrainingListener {
  /** Called before epoch {@code epoch} (from 1) of {@code batches} batches. */
  default void onEpochStart(int epoch, int batches) {}

  /**
   * After backward, before gradient clipping and the optimizer step: every parameter's grad() holds this
   * step's gradient. Also called with a NaN or infinite {@code loss}, just before the trainer stops on it.
   */
  default void onGradients(long step, double loss) {}

  /** After each optimizer step: the batch's loss and how many samples it held. */
  default void onStep(long step, double loss, int samples) {}

  /** After each epoch (and its evaluation), before the scheduler steps. */
  default void onEpochEnd(EpochResult result) {}

  /** A listener that only acts at the end of each epoch: {@code trainer.listener(TrainingListener.eachEpoch(history::add))}. */
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
