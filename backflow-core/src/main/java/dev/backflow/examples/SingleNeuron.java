package dev.backflow.examples;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;

/**
 * The worked example of backpropagation through one sigmoid neuron with squared error:
 * z = w x + b, ŷ = σ(z), L = (y - ŷ)^2, one gradient-descent step on w and b.
 * Every value is computed by the engine (forward ops and loss.backward()), not by hand.
 */
public final class SingleNeuron {
  /**
   * All the numbers of one step, in the order the worked example shows them.
   * @param x the input
   * @param w the weight before the step
   * @param b the bias before the step
   * @param target the desired output y
   * @param lr the learning rate
   * @param z the pre-activation {@code w x + b}
   * @param yHat the prediction σ(z)
   * @param loss the squared error {@code (y - ŷ)²}
   * @param dLdYHat ∂L/∂ŷ = −2(y − ŷ)
   * @param dYHatdZ ∂ŷ/∂z = ŷ(1 − ŷ), the sigmoid's local factor
   * @param dZdW ∂z/∂w = x
   * @param dLdW ∂L/∂w, as backward computed it
   * @param dLdB ∂L/∂b, as backward computed it
   * @param newW the weight after the step, {@code w − lr ∂L/∂w}
   * @param newB the bias after the step, {@code b − lr ∂L/∂b}
   */
  public record Step(float x, float w, float b, float target, float lr,
                     float z, float yHat, float loss,
                     float dLdYHat, float dYHatdZ, float dZdW, float dLdW, float dLdB,
                     float newW, float newB) {}

  private SingleNeuron() {}

  /**
   * Runs the forward pass, {@code loss.backward()} and one gradient-descent step.
   *
   * @param x the input
   * @param w the initial weight
   * @param b the initial bias
   * @param target the desired output, in (0, 1) for a sigmoid
   * @param lr the learning rate
   * @return every intermediate value of the step
   */
  public static Step run(float x, float w, float b, float target, float lr) {
    Tensor xt = Tensor.scalar(x);
    Tensor wt = Tensor.scalar(w).requiresGrad(true);
    Tensor bt = Tensor.scalar(b).requiresGrad(true);
    Tensor z = wt.mul(xt).add(bt).retainGrad();
    Tensor yHat = z.sigmoid().retainGrad();
    Tensor loss = yHat.rsub(target).square();
    loss.backward();
    float dLdYHat = yHat.grad().item();
    // The sigmoid node's local factor: dŷ/dz = ŷ(1 - ŷ), so that dL/dz = dL/dŷ · dŷ/dz.
    Tensor s = yHat.detach();
    float dYHatdZ = s.mul(s.rsub(1f)).item();
    float newW, newB;
    try (var g = Autograd.noGrad()) {
      newW = wt.detach().sub(wt.grad().mul(lr)).item();
      newB = bt.detach().sub(bt.grad().mul(lr)).item();
    }
    return new Step(x, w, b, target, lr, z.item(), yHat.item(), loss.item(), dLdYHat, dYHatdZ, x,
        wt.grad().item(), bt.grad().item(), newW, newB);
  }
}
