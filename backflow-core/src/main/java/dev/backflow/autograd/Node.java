package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One recorded op in the graph (PyTorch's grad_fn): its inputs and its backward rule. Freed after a
 * backward pass unless the graph is retained, so that the activations it holds can be collected.
 */
public final class Node {
  private final String name;
  private final String createdAt;
  private Tensor[] inputs;
  private BackwardFn backward;
  /** The module that made this node's output said nothing else will read it after the graph is consumed. */
  private boolean outputReleasable;
  /** Storage the op saved for its rule and holds nowhere else (attention's weights), or null. */
  private float[] savedReleasable;

  Node(String name, BackwardFn backward, Tensor[] inputs) {
    this.name = name;
    this.backward = backward;
    this.inputs = inputs;
    this.createdAt = Autograd.isAnomalyEnabled() ? CallSite.find() : null;
  }

  /**
   * The node's printed name, e.g. "MulBackward", as PyTorch prints {@code grad_fn}.
   *
   * @return the op's name with "Backward" appended
   */
  public String name() {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Backward";
  }

  /**
   * The op that recorded this node, e.g. "mul", as error messages and the graph views name it.
   *
   * @return the op's name
   */
  public String opName() {
    return name;
  }

  /**
   * The op's inputs, in argument order (PyTorch reaches them through {@code grad_fn.next_functions}).
   *
   * @return the input tensors (the array is shared, do not change it)
   * @throws IllegalStateException if the graph was already freed by a backward pass without retainGraph
   */
  public Tensor[] inputs() {
    ensureAlive();
    return inputs;
  }

  /**
   * Whether a backward pass without retainGraph went through this node and dropped its inputs and saved values.
   *
   * @return true once freed; a second backward through it then fails
   */
  public boolean isFreed() {
    return backward == null;
  }

  /**
   * Shapes of the inputs, for error messages; built on demand, since most nodes never need it.
   *
   * @return e.g. "[2, 3] and [3, 4]", or "(freed)"
   */
  public String inputShapes() {
    if (inputs == null) return "(freed)";
    return Arrays.stream(inputs).map(t -> Arrays.toString(t.shape())).collect(Collectors.joining(" and "));
  }

  /**
   * Where user code created this op ("Foo.bar(Foo.java:12)"), or null when anomaly mode was off.
   *
   * @return the user's line, or null
   */
  public String createdAt() {
    return createdAt;
  }

  Tensor[] apply(Tensor gradOutput, boolean[] needsGrad) {
    ensureAlive();
    return backward.apply(gradOutput, needsGrad);
  }

  void markOutputReleasable() {
    outputReleasable = true;
  }

  boolean isOutputReleasable() {
    return outputReleasable;
  }

  void markSavedReleasable(float[] saved) {
    savedReleasable = saved;
  }

  /** Whether this node's output or a saved array was declared for release after backward. */
  boolean declaresRelease() {
    return outputReleasable || savedReleasable != null;
  }

  float[] savedReleasable() {
    return savedReleasable;
  }

  void free() {
    backward = null;
    inputs = null;
  }

  private void ensureAlive() {
    if (backward == null) {
      throw new IllegalStateException("backward: trying to go through " + name() + " a second time, but its saved "
          + "values were freed after the first backward pass; call backward(retainGraph=true) the first time "
          + "(tensor.backward(seed, true)) if you need to backpropagate through the same graph twice");
    }
  }

  /**
   * The name in angle brackets, e.g. {@code <MulBackward>}.
   *
   * @return a short description
   */
  @Override
  public String toString() {
    return "<" + name() + ">";
  }
}
