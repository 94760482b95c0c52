package dev.backflow.nn;

import dev.backflow.tensor.Tensor;

/** x + f(x): the skip connection gives gradients a path around f, so deep stacks keep training. */
public final class Residual extends Module {
  private final Module body;

  /**
   * x + body(x); {@code body} is registered as "body".
   * @param body the branch f; its output must have its input's shape
   */
  public Residual(Module body) {
    this.body = registerModule("body", body);
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.add(body.forward(x));
  }
}
