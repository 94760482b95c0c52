package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Parameter-free element-wise modules: ReLU, LeakyReLU, Sigmoid, Tanh, GELU, as layers of a Sequential. */
public final class Activation extends Module {
  private final String name;
  private final UnaryOperator<Tensor> f;

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

  @Override
  public Tensor forward(Tensor x) {
    return f.apply(x);
  }

  @Override
  public String toString() {
    return name + "()";
  }
}
