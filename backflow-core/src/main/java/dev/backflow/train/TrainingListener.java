package dev.backflow.train;

/** Observes training (progress bars, charts, diagnostics). All methods are optional. */
public interface TrainingListener {
  default void onEpochStart(int epoch, int batches) {}

  /**
   * After backward, before gradient clipping and the optimizer step: every parameter's grad() holds this
   * step's gradient. Also called with a NaN or infinite {@code loss}, just before the trainer stops on it.
   */
  default void onGradients(long step, double loss) {}

  /** After each optimizer step: the batch's loss and how many samples it held. */
  default void onStep(long step, double loss, int samples) {}

  default void onEpochEnd(EpochResult result) {}
}
