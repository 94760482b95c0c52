package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks backprop against the slow way it replaces: central finite differences.
 *
 * <p>The function's output is projected onto fixed random weights r, L = Σ r·f(x), so one backward pass
 * gives the exact directional gradient of every input element; then each element is nudged by ±eps and
 * L recomputed. That costs two forward passes per input element, which is exactly why backprop exists.
 * The differences are formed in double from float32 forward values.
 */
public final class GradCheck {
  private GradCheck() {}

  /** Worst errors per input, and the numbers behind them. */
  public record Result(double[] maxAbsError, double[] maxRelError, String[] worstAt) {
    public boolean passes(double relTol) {
      return Arrays.stream(maxRelError).allMatch(e -> e <= relTol);
    }

    public double worstRelError() {
      return Arrays.stream(maxRelError).max().orElse(0);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("gradcheck:");
      for (int i = 0; i < maxRelError.length; i++) {
        sb.append(String.format(" input %d: max rel error %.3g (abs %.3g) %s;", i, maxRelError[i], maxAbsError[i], worstAt[i]));
      }
      return sb.toString();
    }
  }

  /** Default step 1e-2 suits float32: truncation error O(eps^2) and rounding error O(1e-7/eps) balance there. */
  public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
    return check(f, 1e-2, inputs);
  }

  /** Throws with the report when the worst relative error exceeds {@code relTol}. */
  public static Result assertPasses(double relTol, Function<Tensor[], Tensor> f, Tensor... inputs) {
    Result r = check(f, inputs);
    if (!r.passes(relTol)) throw new AssertionError("gradient check failed (tolerance " + relTol + "): " + r);
    return r;
  }

  /**
   * Inputs that require grad are checked; the others are held constant. Inputs should be contiguous leaves;
   * to check an op on non-contiguous views, make the view inside {@code f}.
   */
  public static Result check(Function<Tensor[], Tensor> f, double eps, Tensor... inputs) {
    Tensor[] leaves = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      leaves[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape()).requiresGrad(inputs[i].requiresGrad());
    }
    Tensor out = f.apply(leaves);
    float[] weights = projection(out.numel());
    Tensor r = Tensor.of(weights, out.shape());
    out.mul(r).sum().backward();

    int n = inputs.length;
    double[] maxAbs = new double[n], maxRel = new double[n];
    String[] worst = new String[n];
    Arrays.fill(worst, "");
    // Scale the tolerance to the check's largest gradient so tiny gradients are not judged by absolute noise:
    // float32 rounding of the loss reaches every input alike, including one whose exact gradient is 0.
    double scale = 0;
    for (Tensor leaf : leaves) {
      if (leaf.requiresGrad() && leaf.grad() != null) for (float a : leaf.grad().toArray()) scale = Math.max(scale, Math.abs(a));
    }
    for (int i = 0; i < n; i++) {
      if (!leaves[i].requiresGrad()) continue;
      float[] analytic = leaves[i].grad() == null ? new float[leaves[i].numel()] : leaves[i].grad().toArray();
      float[] base = leaves[i].toArray();
      for (int j = 0; j < base.length; j++) {
        double step = eps * Math.max(1.0, Math.abs(base[j]));
        double plus = evaluate(f, leaves, i, base, j, (float) (base[j] + step), weights);
        double minus = evaluate(f, leaves, i, base, j, (float) (base[j] - step), weights);
        // Divide by the step actually taken in float32, not the one asked for.
        double taken = (double) (float) (base[j] + step) - (double) (float) (base[j] - step);
        double numeric = (plus - minus) / taken;
        double abs = Math.abs(numeric - analytic[j]);
        double rel = abs / Math.max(Math.max(Math.abs(numeric), Math.abs(analytic[j])), Math.max(1e-3, 1e-2 * scale));
        if (rel > maxRel[i]) {
          maxRel[i] = rel;
          worst[i] = "at element " + j + ": analytic " + analytic[j] + ", numeric " + (float) numeric;
        }
        maxAbs[i] = Math.max(maxAbs[i], abs);
      }
    }
    return new Result(maxAbs, maxRel, worst);
  }

  private static double evaluate(Function<Tensor[], Tensor> f, Tensor[] leaves, int i, float[] base, int j,
                                 float value, float[] weights) {
    float[] moved = base.clone();
    moved[j] = value;
    Tensor[] args = leaves.clone();
    args[i] = Tensor.of(moved, leaves[i].shape());
    float[] out;
    try (var g = Autograd.noGrad()) {
      out = f.apply(args).toArray();
    }
    double sum = 0;
    for (int k = 0; k < out.length; k++) sum += (double) out[k] * weights[k];
    return sum;
  }

  /** Fixed pseudo-random weights in [0.5, 1.5) with random signs: no symmetric cancellation hides an error. */
  private static float[] projection(int n) {
    SplittableRandom rng = new SplittableRandom(12345);
    float[] w = new float[n];
    for (int k = 0; k < n; k++) w[k] = (float) ((0.5 + rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1));
    return w;
  }
}
