package dev.backflow.web.setup;

/**
 * The loss conventions, spelled out because they differ by factors that confuse learners: the worked
 * example uses (y − ŷ)², TensorFlow Playground ½(y − ŷ)², so its ∂L/∂ŷ is half of the article's.
 * Every loss is averaged over the examples of the batch.
 */
public enum LossKind {
  SQUARED("squared", "L = mean over the batch of (y − ŷ)²", "∂L/∂ŷ = −2·(y − ŷ) / N"),
  HALF_SQUARED("half_squared", "L = mean over the batch of ½·(y − ŷ)²", "∂L/∂ŷ = −(y − ŷ) / N"),
  CROSS_ENTROPY("cross_entropy", "L = mean over the batch of −[y·log ŷ + (1 − y)·log(1 − ŷ)]",
      "∂L/∂ŷ = (ŷ − y) / (ŷ·(1 − ŷ)·N)");

  public final String id;
  public final String formula;
  public final String derivative;

  LossKind(String id, String formula, String derivative) {
    this.id = id;
    this.formula = formula;
    this.derivative = derivative;
  }

  public static LossKind byId(String id) {
    for (LossKind k : values()) if (k.id.equals(id)) return k;
    throw new BadRequest("unknown loss '" + id + "'; choose squared, half_squared or cross_entropy");
  }
}
