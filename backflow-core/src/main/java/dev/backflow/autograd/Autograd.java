package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;

/**
 * Global switches of the autograd engine, as torch.no_grad() and torch.autograd.set_detect_anomaly().
 * Grad mode is per thread (a data-loading thread can run without recording); anomaly mode is global.
 */
public final class Autograd {
  private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
  private static volatile boolean anomaly;

  private Autograd() {}

  /**
   * Gradients of {@code outputs} with respect to {@code inputs}, returned rather than accumulated into .grad
   * (PyTorch's torch.autograd.grad). {@code gradOutputs}: dL/d(output) for each output, or null for ones
   * (one-element outputs only). With {@code createGraph} the backward pass records its own graph, so the
   * returned gradients require grad and can be differentiated again, to any order (Hessian-vector products,
   * gradient penalties, Newton steps); that graph refers to the forward graph, so pass {@code retainGraph}
   * too if it is to be differentiated. {@code allowUnused}: an input the outputs do not depend on gets null
   * instead of an error.
   */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean createGraph,
                              boolean retainGraph, boolean allowUnused) {
    return BackwardEngine.grad(outputs, inputs, gradOutputs, createGraph, retainGraph, allowUnused);
  }

  /** d(output)/d(inputs) of a one-element output; frees the graph, records nothing (first order). */
  public static Tensor[] grad(Tensor output, Tensor... inputs) {
    return grad(new Tensor[] {output}, inputs, null, false, false, false);
  }

  /**
   * d(output)/d(inputs) of a one-element output; with {@code createGraph} the gradients are differentiable
   * and the graph is retained (PyTorch's default: retain_graph = create_graph).
   */
  public static Tensor[] grad(Tensor output, boolean createGraph, Tensor... inputs) {
    return grad(new Tensor[] {output}, inputs, null, createGraph, createGraph, false);
  }

  /** A scope in which ops record nothing: {@code try (var g = Autograd.noGrad()) { ... }}. */
  public static Scope noGrad() {
    return setGradEnabled(false);
  }

  /**
   * Runs {@code body} with recording off, as a {@code with torch.no_grad():} block that needs no scope
   * variable (so {@code -Xlint:all} has nothing to warn about):
   * {@code Autograd.noGrad(() -> w.sub_(w.grad().mul(lr)));}.
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
   */
  public static <T> T noGrad(java.util.function.Supplier<T> body) {
    Scope scope = noGrad();
    try {
      return body.get();
    } finally {
      scope.close();
    }
  }

  /** A scope that records again inside a no-grad one. */
  public static Scope enableGrad() {
    return setGradEnabled(true);
  }

  private static Scope setGradEnabled(boolean enabled) {
    boolean[] flag = GRAD_ENABLED.get();
    boolean previous = flag[0];
    flag[0] = enabled;
    return () -> flag[0] = previous;
  }

  public static boolean isGradEnabled() {
    return GRAD_ENABLED.get()[0];
  }

  /**
   * When on, every op checks its output (and every backward step its gradients) for NaN and infinity,
   * and nodes remember the line of user code that created them, so the first bad op is named.
   * It costs a scan per op and a stack walk per node: turn it on to debug, not to train.
   */
  public static void detectAnomaly(boolean on) {
    anomaly = on;
  }

  public static boolean isAnomalyEnabled() {
    return anomaly;
  }

  /** Restores the previous mode when closed. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
