package dev.backflow.train;

import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.backend.RecordingBackend;
import dev.backflow.tensor.Tensor;
import java.util.function.Supplier;

/**
 * A training step recorded once and replayed: the analogue of CUDA graphs or {@code torch.compile}'s
 * "reduce-overhead" mode for the CPU. Capture runs the step eagerly (forward, backward, optimizer) while
 * a {@link RecordingBackend} notes every kernel call; {@link #run()} then replays those calls in order
 * on the same arrays. Graph building, shape checks, Tensor objects and the backward engine's bookkeeping
 * are paid once, which is most of the cost for small networks (XOR's step is ~60 calls on 8 numbers).
 *
 * <p>The rules are those of CUDA graph capture: inputs are static (copy each new batch into the tensors
 * the step read, e.g. with {@code Tensor.copy_}); the step must do the same work every time (no branches
 * on tensor values: kernels whose result Java reads are refused); scalars passed to kernels are frozen at
 * capture (the learning rate: a schedule does not reach a replayed step), while values kept in tensors
 * change per replay (Adam's step counter, so its bias correction replays exactly, like PyTorch's
 * {@code capturable=True}); lazily created state (momentum buffers, Adam's moments) must exist before
 * capture, which is why {@link #capture} runs warm-up steps first. Capture is per thread: other threads keep
 * running eagerly (and unrecorded) meanwhile, and several threads may capture steps of their own at once.
 */
public final class CapturedStep {
  private final Runnable[] calls;
  private final Tensor output;

  private CapturedStep(Runnable[] calls, Tensor output) {
    this.calls = calls;
    this.output = output;
  }

  /**
   * Runs {@code step} eagerly {@code warmups} times, then once more while recording it (each of these is
   * a real training step), and returns the recording. {@code step} returns the tensor to read after each
   * replay, usually the loss.
   * @param step one training step: forward, backward, optimizer step; returns the tensor to read after a replay
   * @param warmups how many eager steps to run first, 0 or more (1 creates optimizer state)
   * @return the recorded step, ready to {@link #run()}
   * @throws IllegalArgumentException if {@code warmups} is negative or {@code step} returns null
   * @throws IllegalStateException if this thread is already capturing, or the step reads a tensor's values in Java
   */
  public static CapturedStep capture(Supplier<Tensor> step, int warmups) {
    if (warmups < 0) throw new IllegalArgumentException("capture: warm-up steps must be >= 0, got " + warmups);
    for (int i = 0; i < warmups; i++) step.get();
    Backend eager = Backends.current();
    if (eager instanceof RecordingBackend) throw new IllegalStateException("capture: already capturing a step");
    RecordingBackend recorder = new RecordingBackend(eager);
    Tensor out;
    // Only this thread records: other threads' ops (another training, a data loader) stay eager and unrecorded.
    try (var scope = Backends.scoped(recorder)) {
      out = step.get();
    }
    if (out == null) throw new IllegalArgumentException("capture: the step returned no tensor (return the loss)");
    return new CapturedStep(recorder.recording(), out.detach());
  }

  /**
   * One more training step: the recorded kernel calls, in order. Returns the step's output (its values are new).
   * @return the same tensor each time, holding this replay's values
   */
  public Tensor run() {
    for (Runnable call : calls) call.run();
    return output;
  }

  /**
   * Kernel calls per step.
   * @return the number of recorded kernel calls one {@link #run()} replays
   */
  public int calls() {
    return calls.length;
  }
}
