package dev.backflow.web.setup;

/** How the weights start. Biases start at zero except with PyTorch's default. */
public enum InitKind {
  /** PyTorch's nn.Linear default: weights and biases U(−1/√fan_in, 1/√fan_in). */
  PYTORCH("pytorch"),
  /** Glorot/Xavier uniform with the activation's gain. */
  XAVIER("xavier"),
  /** He/Kaiming normal with the activation's gain: keeps ReLU layers' variance steady. */
  HE("he");

  public final String id;

  InitKind(String id) {
    this.id = id;
  }

  public static InitKind byId(String id) {
    for (InitKind k : values()) if (k.id.equals(id)) return k;
    throw new BadRequest("unknown initialization '" + id + "'; choose pytorch, xavier or he");
  }
}
