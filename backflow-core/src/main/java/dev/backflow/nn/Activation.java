package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Parameter-free element-wise modules: ReLU, LeakyReLU, Sigmoid, Tanh, GELU, as layers of a Sequential. */
public final class Activation extends Module {
  private final String name;
  private final UnaryOperator<Tensor> f;
  private List<Consumer<Tensor>> forwardHooks;

  private Activation(String name, UnaryOperator<Tensor> f) {
    this.name = name;
    this.f = f;
  }

  public static Activation relu() { return new Activation("ReLU", Tensor::relu); }
  public static Activation leakyRelu(float slope) { return new Activation("LeakyReLU(" + slope + ")", x -> x.leakyRelu(slope)); }
  public static Activation sigmoid() { return new Activation("Sigmoid", Tensor::sigmoid); }
  public static Activation tanh() { return new Activation("Tanh", Tensor::tanh); }
  public static Activation gelu() { return new Activation("GELU", Tensor::gelu); }
  public static Activation geluTanh() { return new Activation("GELU(tanh)", x -> x.gelu(true)); }

  /** By name, as the CLI and the page spell them: relu, leaky_relu, sigmoid, tanh, gelu. */
  public static Activation named(String name) {
    switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "relu": return relu();
      case "leaky_relu": case "leakyrelu": return leakyRelu(0.01f);
      case "sigmoid": return sigmoid();
      case "tanh": return tanh();
      case "gelu": return gelu();
      default: throw new IllegalArgumentException("unknown activation '" + name + "' (expected relu, leaky_relu, sigmoid, tanh or gelu)");
    }
  }

  public String name() {
    return name;
  }

  /**
   * Calls {@code hook} with every output of this activation: how diagnostics count dead ReLUs and saturated
   * sigmoids without changing the model. The hook must not modify the tensor.
   */
  public Tensor.HookHandle registerForwardHook(Consumer<Tensor> hook) {
    if (forwardHooks == null) forwardHooks = new ArrayList<>();
    forwardHooks.add(hook);
    return () -> forwardHooks.remove(hook);
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = f.apply(x);
    if (forwardHooks != null) for (Consumer<Tensor> h : List.copyOf(forwardHooks)) h.accept(y);
    return y;
  }

  @Override
  public String toString() {
    return name + "()";
  }
}
