package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;

/**
 * Global switches of the autograd engine, as torch.no_grad() and torch.autograd.set_detect_anomaly().
 * Grad mode is per thread (a data-loading thread can run without recording); anomaly mode is global.
 */
public final class Autograd {
  private static final ThreadLocal<GradMode> GRAD_ENABLED = ThreadLocal.withInitial(GradMode::new);
  // A thread and its flag, published together: every op asks, and a thread-local lookup costs more than the op's own
  // bookkeeping on small tensors. A thread only ever reads its own flag from here. The slot goes to the first thread
  // that asks and is handed on only when that thread has ended, so two trainings at once do not trade it back and
  // forth on every op: the other one reads the thread-local, as before.
  private static volatile GradMode lastAsked;

  /**
   * One thread's grad mode, with the two scopes that restore it: entering and leaving noGrad() happens twice per
   * training step, so the scopes are made once per thread rather than once per entry.
   */
  static final class GradMode {
    final Thread owner = Thread.currentThread();
    boolean enabled = true;
    // The thread's tape of small recorded ops (BackwardEngine), and a spare one that takes over while a pass sweeps it.
    BackwardEngine.Plan tape, spareTape;
    final Scope restoreEnabled = () -> enabled = true;
    final Scope restoreDisabled = () -> enabled = false;
  }

  /** This thread's grad mode, or null while recording is off. */
  static GradMode recording() {
    GradMode mode = flag();
    return mode.enabled ? mode : null;
  }

  static GradMode flag() {
    GradMode last = lastAsked;
    Thread current = Thread.currentThread();
    if (last != null && last.owner == current) return last;
    GradMode mode = GRAD_ENABLED.get();
    if (last == null || !last.owner.isAlive()) lastAsked = mode;
    return mode;
  }

  private static volatile boolean anomaly;

  private Autograd() {}

  /**
   * Gradients of {@code outputs} with respect to {@code inputs}, returned rather than accumulated into .grad
   * (PyTorch's {@code torch.autograd.grad}). With {@code createGraph} the backward pass records its own graph, so the
   * returned gradients require grad and can be differentiated again, to any order (Hessian-vector products, gradient
   * penalties, Newton steps); that graph refers to the forward graph, so pass {@code retainGraph} too if it is to be
   * differentiated.
   *
   * @param outputs the tensors to differentiate, each requiring grad
   * @param inputs the tensors to differentiate with respect to, each requiring grad
   * @param gradOutputs dL/d(output) for each output, each of its output's shape; null for ones (one-element outputs
   *     only)
   * @param createGraph record the backward pass so that the gradients are differentiable
   * @param retainGraph keep the forward graph usable for another backward pass
   * @param allowUnused give null for an input the outputs do not depend on, instead of an error
   * @return one gradient per input, of that input's shape (null only for an unused input with {@code allowUnused})
   * @throws IllegalArgumentException if {@code outputs} is empty, the counts of outputs and gradOutputs differ, an
   *     input does not require grad, or a gradOutput's shape differs from its output's
   * @throws IllegalStateException if an output does not require grad, or an input is unused and {@code allowUnused}
   *     is false
   */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean createGraph,
                              boolean retainGraph, boolean allowUnused) {
    return BackwardEngine.grad(outputs, inputs, gradOutputs, createGraph, retainGraph, allowUnused);
  }

  /**
   * d(output)/d(inputs) of a one-element output, like {@code torch.autograd.grad(output, inputs)}: frees the graph and
   * records nothing (first order); no tensor's .grad changes.
   *
   * @param output a one-element tensor that requires grad, typically a loss
   * @param inputs the tensors to differentiate with respect to
   * @return one gradient per input, of that input's shape
   * @throws IllegalArgumentException if {@code output} has more than one element or an input does not require grad
   * @throws IllegalStateException if {@code output} does not require grad or an input is unused
   */
  public static Tensor[] grad(Tensor output, Tensor... inputs) {
    return grad(new Tensor[] {output}, inputs, null, false, false, false);
  }

  /**
   * d(output)/d(inputs) of a one-element output; with {@code createGraph} the gradients are differentiable and the
   * graph is retained (PyTorch's default: retain_graph = create_graph), as a gradient penalty needs:
   * {@code Tensor g = Autograd.grad(loss, true, x)[0]; g.square().sum().backward();}.
   *
   * @param output a one-element tensor that requires grad
   * @param createGraph record the backward pass so that the gradients are differentiable
   * @param inputs the tensors to differentiate with respect to
   * @return one gradient per input, of that input's shape
   * @throws IllegalArgumentException if {@code output} has more than one element or an input does not require grad
   * @throws IllegalStateException if {@code output} does not require grad or an input is unused
   */
  public static Tensor[] grad(Tensor output, boolean createGraph, Tensor... inputs) {
    return grad(new Tensor[] {output}, inputs, null, createGraph, createGraph, false);
  }

  /**
   * A scope in which ops on this thread record nothing, like {@code with torch.no_grad():}:
   * {@code try (var g = Autograd.noGrad()) { ... }}. Evaluation and optimizer updates run this way.
   *
   * @return the scope; closing it restores the previous mode
   */
  public static Scope noGrad() {
    return setGradEnabled(false);
  }

  /**
   * Runs {@code body} with recording off, as a {@code with torch.no_grad():} block that needs no scope variable (so
   * {@code -Xlint:all} has nothing to warn about): {@code Autograd.noGrad(() -> w.sub_(w.grad().mul(lr)));}.
   *
   * @param body the code to run without recording
   */
  public static void noGrad(Runnable body) {
    Scope scope = noGrad();
    try {
      body.run();
    } finally {
      scope.close();
    }
  }

  /**
   * Computes {@code body} with recording off and returns its value:
   * {@code Tensor logits = Autograd.noGrad(() -> model.forward(x));}.
   *
   * @param <T> the type of the value
   * @param body the computation to run without recording
   * @return what {@code body} returned
   */
  public static <T> T noGrad(java.util.function.Supplier<T> body) {
    Scope scope = noGrad();
    try {
      return body.get();
    } finally {
      scope.close();
    }
  }

  /**
   * A scope that records again inside a no-grad one, like {@code with torch.enable_grad():}.
   *
   * @return the scope; closing it restores the previous mode
   */
  public static Scope enableGrad() {
    return setGradEnabled(true);
  }

  private static Scope setGradEnabled(boolean enabled) {
    GradMode mode = flag();
    boolean previous = mode.enabled;
    mode.enabled = enabled;
    return previous ? mode.restoreEnabled : mode.restoreDisabled;
  }

  /**
   * Whether ops on this thread record the graph, like {@code torch.is_grad_enabled()}.
   *
   * @return false inside {@link #noGrad()}, true otherwise
   */
  public static boolean isGradEnabled() {
    return flag().enabled;
  }

  /**
   * Switches anomaly mode for the whole process, like {@code torch.autograd.set_detect_anomaly}. When on, every op
   * checks its output (and every backward step its gradients) for NaN and infinity, and nodes remember the line of
   * user code that created them, so the first bad op is named in an {@link AnomalyException}. It costs a scan per op
   * and a stack walk per node: turn it on to debug, not to train.
   *
   * @param on true to check, false to stop checking
   */
  public static void detectAnomaly(boolean on) {
    anomaly = on;
  }

  /**
   * Whether anomaly mode is on, like {@code torch.is_anomaly_enabled()}.
   *
   * @return true after {@code detectAnomaly(true)}
   */
  public static boolean isAnomalyEnabled() {
    return anomaly;
  }

  /** Restores the previous mode when closed. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    /** Restores the grad mode that was current when the scope was opened. */
    @Override
    void close();
  }
}
