package dev.backflow.examples;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;

/**
 * The worked single-neuron step as articles print it: ŷ rounded to two decimals (0.75) before the
 * backward pass, which turns the exact ∂L/∂w = −0.187175 into −0.1875 and w → 0.5187175 into 0.51875.
 * Computed with the engine's ops from the rounded ŷ (L = (1 − 0.75)² = 0.0625 too), so the command line and
 * the page can show both and say why they differ.
 * @param yHat the prediction, rounded to two decimals
 * @param loss the squared error from the rounded prediction
 * @param dLdyHat ∂L/∂ŷ from the rounded prediction
 * @param dyHatdz ∂ŷ/∂z = ŷ(1 − ŷ) from the rounded prediction
 * @param dLdw ∂L/∂w
 * @param dLdb ∂L/∂b
 * @param newW the weight after the step
 * @param newB the bias after the step
 */
public record ArticleRounding(double yHat, double loss, double dLdyHat, double dyHatdz, double dLdw, double dLdb,
                              double newW, double newB) {

  /**
   * The rounded variant of {@code step}, the exact one computed by {@link SingleNeuron#run}.
   * @param step an exact step
   * @return the same step with ŷ rounded as the articles do
   */
  public static ArticleRounding of(SingleNeuron.Step step) {
    return compute(step.x(), step.w(), step.b(), step.target(), step.lr(), step.yHat());
  }

  /**
   * The step from input x, parameters w and b, with ŷ = {@code exactYHat} rounded to two decimals.
   * @param x the input
   * @param w the weight before the step
   * @param b the bias before the step
   * @param target the desired output
   * @param lr the learning rate
   * @param exactYHat the exact prediction σ(w x + b), to be rounded
   * @return the step's values from the rounded prediction
   */
  public static ArticleRounding compute(float x, float w, float b, float target, float lr, float exactYHat) {
    Tensor yHat = Tensor.scalar(Math.round(exactYHat * 100f) / 100f).requiresGrad(true);
    Tensor loss = yHat.rsub(target).square();
    loss.backward();
    try (var g = Autograd.noGrad()) {
      Tensor y = yHat.detach();
      Tensor dLdyHat = yHat.grad();
      Tensor dyHatdz = y.mul(y.rsub(1f)); // σ'(z) written with σ's output, the rounded one here
      Tensor dLdz = dLdyHat.mul(dyHatdz);
      Tensor dLdw = dLdz.mul(x), dLdb = dLdz;
      Tensor newW = Tensor.scalar(w).sub(dLdw.mul(lr)), newB = Tensor.scalar(b).sub(dLdb.mul(lr));
      return new ArticleRounding(y.item(), loss.item(), dLdyHat.item(), dyHatdz.item(), dLdw.item(), dLdb.item(),
          newW.item(), newB.item());
    }
  }
}
