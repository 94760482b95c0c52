package dev.backflow.train;

/** Observes training (progress bars, charts, diagnostics). All methods are optional. */
public interface TrainingListener {
  default void onEpochStart(int epoch, int batches) {}

  /** After each optimizer step: the batch's loss and how many samples it held. */
  default void onStep(long step, double loss, int samples) {}

  default void onEpochEnd(EpochResult result) {}
}
