package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Parameter-free element-wise modules: ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softplus, as layers of a Sequential.
 * {@link #kind()} says which function a layer computes, so code that treats them differently (mixed precision's
 * saved-output backward rules, diagnostics' dead-unit and saturation counts) switches on it.
 */
public final class Activation extends Module {
  /** The function an activation computes. */
  public enum Kind {
    /** max(x, 0). */
    RELU("ReLU"),
    /** Slope {@link #negativeSlope()} for negative inputs. */
    LEAKY_RELU("LeakyReLU"),
    /** 1 / (1 + e^-x). */
    SIGMOID("Sigmoid"),
    /** The hyperbolic tangent. */
    TANH("Tanh"),
    /** Exact GELU, x·Φ(x). */
    GELU("GELU"),
    /** GELU with the tanh approximation (PyTorch's approximate='tanh'). */
    GELU_TANH("GELU(tanh)"),
    /** log(1 + eˣ) with PyTorch's defaults (beta 1, linear above 20). */
    SOFTPLUS("Softplus");

    private final String displayName;

    Kind(String displayName) {
      this.displayName = displayName;
    }
  }

  private final Kind kind;
  private final float negativeSlope;
  private List<Consumer<Tensor>> forwardHooks;

  private Activation(Kind kind, float negativeSlope) {
    this.kind = kind;
    this.negativeSlope = negativeSlope;
  }

  /**
   * max(x, 0) (nn.ReLU()).
   * @return a new ReLU layer
   */
  public static Activation relu() { return new Activation(Kind.RELU, 0f); }
  /**
   * max(x, slope·x) (nn.LeakyReLU(slope)).
   * @param slope the factor for negative inputs (PyTorch's default is 0.01)
   * @return a new LeakyReLU layer
   */
  public static Activation leakyRelu(float slope) { return new Activation(Kind.LEAKY_RELU, slope); }
  /**
   * 1 / (1 + e^-x) (nn.Sigmoid()).
   * @return a new Sigmoid layer
   */
  public static Activation sigmoid() { return new Activation(Kind.SIGMOID, 0f); }
  /**
   * The hyperbolic tangent (nn.Tanh()).
   * @return a new Tanh layer
   */
  public static Activation tanh() { return new Activation(Kind.TANH, 0f); }
  /**
   * The exact GELU, x·Φ(x) (nn.GELU()).
   * @return a new exact GELU layer
   */
  public static Activation gelu() { return new Activation(Kind.GELU, 0f); }
  /**
   * GELU's tanh approximation (nn.GELU(approximate='tanh')).
   * @return a new GELU layer with the tanh approximation
   */
  public static Activation geluTanh() { return new Activation(Kind.GELU_TANH, 0f); }
  /**
   * log(1 + e^x) (nn.Softplus()).
   * @return a new Softplus layer (beta 1, threshold 20)
   */
  public static Activation softplus() { return new Activation(Kind.SOFTPLUS, 0f); }

  /**
   * By name, as the CLI and the page spell them: relu, leaky_relu, sigmoid, tanh, gelu.
   * @param name the activation's name, in any case ({@code "leaky_relu"} gets slope 0.01)
   * @return a new layer computing that activation
   * @throws IllegalArgumentException if the name is none of these
   */
  public static Activation named(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "relu": return relu();
      case "leaky_relu": case "leakyrelu": return leakyRelu(0.01f);
      case "sigmoid": return sigmoid();
      case "tanh": return tanh();
      case "gelu": return gelu();
      default: throw new IllegalArgumentException("unknown activation '" + name + "' (expected relu, leaky_relu, sigmoid, tanh or gelu)");
    }
  }

  /**
   * Which activation this is, to switch on.
   * @return the function this layer computes
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The slope for negative inputs of a {@link Kind#LEAKY_RELU}; 0 for the other kinds.
   * @return the negative slope, or 0
   */
  public float negativeSlope() {
    return negativeSlope;
  }

  /**
   * The display name, e.g. "ReLU" or "LeakyReLU(0.01)".
   * @return the layer's display name
   */
  public String name() {
    return kind == Kind.LEAKY_RELU ? kind.displayName + "(" + negativeSlope + ")" : kind.displayName;
  }

  /**
   * Calls {@code hook} with every output of this activation: how diagnostics count dead ReLUs and saturated
   * sigmoids without changing the model. The hook must not modify the tensor.
   * @param hook called with each output tensor, after the forward computation
   * @return a handle whose {@code remove()} unregisters the hook
   */
  public Tensor.HookHandle registerForwardHook(Consumer<Tensor> hook) {
    if (forwardHooks == null) forwardHooks = new ArrayList<>();
    forwardHooks.add(hook);
    return () -> forwardHooks.remove(hook);
  }

  boolean hasForwardHooks() {
    return forwardHooks != null && !forwardHooks.isEmpty();
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = apply(x);
    if (forwardHooks != null) for (Consumer<Tensor> h : List.copyOf(forwardHooks)) h.accept(y);
    return y;
  }

  private Tensor apply(Tensor x) {
    switch (kind) {
      case RELU: return x.relu();
      case LEAKY_RELU: return x.leakyRelu(negativeSlope);
      case SIGMOID: return x.sigmoid();
      case TANH: return x.tanh();
      case GELU: return x.gelu();
      case GELU_TANH: return x.gelu(true);
      case SOFTPLUS: return x.softplus();
      default: throw new AssertionError(kind);
    }
  }

  @Override
  public String toString() {
    return name() + "()";
  }
}
