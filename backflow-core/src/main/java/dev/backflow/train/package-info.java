/**
 * A ready training loop and what goes around it: {@link dev.backflow.train.Trainer} runs forward, loss,
 * backward and step over a {@code DataLoader} with evaluation, schedules, clipping, accumulation and early
 * stopping, reporting to {@link dev.backflow.train.TrainingListener listeners};
 * {@link dev.backflow.train.Checkpoint} saves and restores a run in safetensors files that PyTorch reads; and
 * {@link dev.backflow.train.CapturedStep} records a training step once and replays it, like CUDA graphs.
 *
 * <p>Nothing here is required: a hand-written loop over the {@code nn}, {@code optim} and {@code data}
 * packages does the same, as in PyTorch.
 */
package dev.backflow.train;
