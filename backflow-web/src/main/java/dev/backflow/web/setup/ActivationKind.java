package dev.backflow.web.setup;

import dev.backflow.nn.Activation;

/**
 * The activations a layer can have. Hidden layers choose among the first four; the output layer is
 * sigmoid for classification (a probability) and linear for regression.
 */
public enum ActivationKind {
  SIGMOID("sigmoid", "σ(z) = 1 / (1 + e^(−z))", "∂a/∂z = a·(1 − a)"),
  TANH("tanh", "tanh(z)", "∂a/∂z = 1 − a²"),
  RELU("relu", "ReLU(z) = max(0, z)", "∂a/∂z = 1 if z > 0, else 0"),
  LEAKY_RELU("leaky_relu", "leaky ReLU(z) = z if z > 0, else 0.01·z", "∂a/∂z = 1 if z > 0, else 0.01"),
  LINEAR("linear", "a = z", "∂a/∂z = 1");

  public final String id;
  public final String formula;
  public final String derivative;

  ActivationKind(String id, String formula, String derivative) {
    this.id = id;
    this.formula = formula;
    this.derivative = derivative;
  }

  /** The engine's module for this activation, or null for linear (a = z, no op at all). */
  public Activation module() {
    return this == LINEAR ? null : Activation.named(id);
  }

  /** A hidden layer's activation by its URL name. */
  public static ActivationKind hidden(String id, int layer) {
    for (ActivationKind k : values()) {
      if (k != LINEAR && k.id.equals(id)) return k;
    }
    throw new BadRequest("layer " + layer + " has activation '" + id + "'; choose sigmoid, tanh, relu or leaky_relu");
  }
}
