package dev.backflow.web.setup;

/** A penalty on the weights (never the biases) added to the loss, as TensorFlow Playground does. */
public enum Regularization {
  NONE("none", ""),
  L1("l1", "λ·Σ|w|"),
  L2("l2", "λ·½Σw²");

  public final String id;
  public final String formula;

  Regularization(String id, String formula) {
    this.id = id;
    this.formula = formula;
  }

  public static Regularization byId(String id) {
    for (Regularization r : values()) if (r.id.equals(id)) return r;
    throw new BadRequest("unknown regularization '" + id + "'; choose none, l1 or l2");
  }
}
