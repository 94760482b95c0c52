package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /**
   * Worst errors per checked input, and the numbers behind them.
   *
   * @param maxAbsError per input, the largest |analytic - numeric| over its elements
   * @param maxRelError per input, the largest relative error over its elements
   * @param worstAt per input, the element and the two values where the relative error was largest
   */
  public record Result(double[] maxAbsError, double[] maxRelError, String[] worstAt) {
    /**
     * Whether every input's worst relative error is within {@code relTol}.
     *
     * @param relTol the tolerated relative error (1e-2 is typical for float32)
     * @return true if the check passed
     */
    public boolean passes(double relTol) {
      return Arrays.stream(maxRelError).allMatch(e -> e <= relTol);
    }

    /**
     * The largest relative error over all inputs.
     *
     * @return the worst relative error, 0 when nothing was checked
     */
    public double worstRelError() {
      return Arrays.stream(maxRelError).max().orElse(0);
    }

    /**
     * One line per input: its worst relative and absolute errors and where they occurred.
     *
     * @return the report
     */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("gradcheck:");
      for (int i = 0; i < maxRelError.length; i++) {
        sb.append(String.format(" input %d: max rel error %.3g (abs %.3g) %s;", i, maxRelError[i], maxAbsError[i], worstAt[i]));
      }
      return sb.toString();
    }
  }

  /**
   * {@link #check(Function, double, Tensor...)} with step 1e-2, which suits float32: truncation error O(eps^2) and
   * rounding error O(1e-7/eps) balance there. Like {@code torch.autograd.gradcheck}.
   *
   * @param f the function under test; it receives fresh copies of the inputs and must be deterministic
   * @param inputs the arguments; those that require grad are checked, the others held constant
   * @return the worst errors per checked input
   */
  public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
    return check(f, 1e-2, inputs);
  }

  /**
   * {@link #check(Function, Tensor...)}, failing with the report when the worst relative error exceeds
   * {@code relTol}.
   *
   * @param relTol the tolerated relative error
   * @param f the function under test
   * @param inputs the arguments; those that require grad are checked
   * @return the result, when it passes
   * @throws AssertionError if the check fails, with the report as its message
   */
  public static Result assertPasses(double relTol, Function<Tensor[], Tensor> f, Tensor... inputs) {
    Result r = check(f, inputs);
    if (!r.passes(relTol)) throw new AssertionError("gradient check failed (tolerance " + relTol + "): " + r);
    return r;
  }

  /**
   * Compares backprop's gradients of {@code f} with central finite differences, like
   * {@code torch.autograd.gradcheck(f, inputs, eps=eps)}. Inputs that require grad are checked; the others are held
   * constant. Inputs should be contiguous leaves; to check an op on non-contiguous views, make the view inside
   * {@code f}. It costs two forward passes per input element: keep the inputs small.
   *
   * @param f the function under test; it receives fresh copies of the inputs and must be deterministic
   * @param eps the finite-difference step
   * @param inputs the arguments; those that require grad are checked (integer inputs are never varied)
   * @return the worst errors per checked input
   */
  public static Result check(Function<Tensor[], Tensor> f, double eps, Tensor... inputs) {
    Tensor[] leaves = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      leaves[i] = leaf(inputs[i]);
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

  // A fresh leaf with the input's values; integer inputs (indices, targets) stay integers, never varied.
  private static Tensor leaf(Tensor input) {
    if (!input.dtype().isFloatingPoint()) return input.detach();
    return Tensor.of(input.toArray(), input.shape()).requiresGrad(input.requiresGrad());
  }

  /**
   * {@link #gradgradcheck(Function, double, Tensor...)} with the default step 1e-2.
   *
   * @param f the function under test
   * @param inputs the arguments; those that require grad are checked
   * @return the worst errors per checked input, then one entry for the output gradient
   */
  public static Result gradgradcheck(Function<Tensor[], Tensor> f, Tensor... inputs) {
    return gradgradcheck(f, 1e-2, inputs);
  }

  /**
   * {@link #gradgradcheck(Function, Tensor...)}, failing with the report when the worst relative error of the second
   * derivatives exceeds {@code relTol}.
   *
   * @param relTol the tolerated relative error
   * @param f the function under test
   * @param inputs the arguments; those that require grad are checked
   * @return the result, when it passes
   * @throws AssertionError if the check fails, with the report as its message
   */
  public static Result assertGradGradPasses(double relTol, Function<Tensor[], Tensor> f, Tensor... inputs) {
    Result r = gradgradcheck(f, inputs);
    if (!r.passes(relTol)) throw new AssertionError("gradgradcheck failed (tolerance " + relTol + "): " + r);
    return r;
  }

  /**
   * Checks second derivatives (a gradient of a gradient, createGraph) against central finite differences of the
   * first-order gradient, as PyTorch's gradgradcheck. With L = Σ r·f(x), r a fixed random output gradient, and
   * M = Σ_i Σ v_i·(dL/dx_i), v fixed random weights, one double backward gives dM/dx_i and dM/dr exactly; each element
   * is then nudged by ±eps and M recomputed from an ordinary first-order backward. The result has one entry per input
   * that requires grad, in order, then one for r (the output gradient: differentiable rules must be differentiable in
   * it
   * too). Sums are formed in double.
   *
   * @param f the function under test; it receives fresh copies of the inputs and must be deterministic
   * @param eps the finite-difference step
   * @param inputs the arguments; those that require grad are checked
   * @return the worst errors per checked input, then one entry for the output gradient
   */
  public static Result gradgradcheck(Function<Tensor[], Tensor> f, double eps, Tensor... inputs) {
    Tensor[] leaves = new Tensor[inputs.length];
    List<Integer> vars = new ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      leaves[i] = leaf(inputs[i]);
      if (inputs[i].requiresGrad()) vars.add(i);
    }
    Tensor out = f.apply(leaves);
    float[] rw = projection(out.numel(), 12345);
    Tensor r = Tensor.of(rw, out.shape()).requiresGrad(true);
    float[][] v = new float[inputs.length][];
    for (int i : vars) v[i] = projection(inputs[i].numel(), 777 + i);

    // analytic: dM/d(inputs and r) by a backward through the recorded backward pass
    Tensor[] differentiated = new Tensor[vars.size() + 1];
    for (int k = 0; k < vars.size(); k++) differentiated[k] = leaves[vars.get(k)];
    differentiated[vars.size()] = r;
    float[][] analytic = new float[differentiated.length][];
    Tensor[] grads = out.requiresGrad()
        ? Autograd.grad(new Tensor[] {out}, Arrays.copyOf(differentiated, vars.size()), new Tensor[] {r}, true, true, true)
        : new Tensor[vars.size()];
    Tensor m = null;
    for (int k = 0; k < vars.size(); k++) {
      if (grads[k] == null || !grads[k].requiresGrad()) continue;
      Tensor term = grads[k].mul(Tensor.of(v[vars.get(k)], grads[k].shape())).sum();
      m = m == null ? term : m.add(term);
    }
    Tensor[] second = m == null ? new Tensor[differentiated.length]
        : Autograd.grad(new Tensor[] {m}, differentiated, null, false, false, true);
    for (int k = 0; k < differentiated.length; k++) {
      analytic[k] = second[k] == null ? new float[differentiated[k].numel()] : second[k].toArray();
    }

    // numeric: central differences of M, each M from a fresh first-order backward
    int n = differentiated.length;
    double[] maxAbs = new double[n], maxRel = new double[n];
    String[] worst = new String[n];
    Arrays.fill(worst, "");
    double scale = 0;
    for (float[] a : analytic) for (float x : a) scale = Math.max(scale, Math.abs(x));
    for (int k = 0; k < n; k++) {
      float[] base = k < vars.size() ? leaves[vars.get(k)].toArray() : rw;
      for (int j = 0; j < base.length; j++) {
        double step = eps * Math.max(1.0, Math.abs(base[j]));
        float up = (float) (base[j] + step), down = (float) (base[j] - step);
        double plus = firstOrderProjection(f, leaves, vars, v, rw, k, j, up);
        double minus = firstOrderProjection(f, leaves, vars, v, rw, k, j, down);
        double numeric = (plus - minus) / ((double) up - (double) down);
        double abs = Math.abs(numeric - analytic[k][j]);
        double rel = abs / Math.max(Math.max(Math.abs(numeric), Math.abs(analytic[k][j])), Math.max(1e-3, 1e-2 * scale));
        if (rel > maxRel[k]) {
          maxRel[k] = rel;
          worst[k] = (k < vars.size() ? "" : "(output gradient) ") + "at element " + j + ": analytic " + analytic[k][j]
              + ", numeric " + (float) numeric;
        }
        maxAbs[k] = Math.max(maxAbs[k], abs);
      }
    }
    return new Result(maxAbs, maxRel, worst);
  }

  /** M = Σ_i Σ v_i·(dL/dx_i) with L = Σ r·f(x), element j of variable k moved to {@code value}. */
  private static double firstOrderProjection(Function<Tensor[], Tensor> f, Tensor[] leaves, List<Integer> vars, float[][] v,
                                             float[] rw, int k, int j, float value) {
    Tensor[] args = new Tensor[leaves.length];
    for (int i = 0; i < leaves.length; i++) {
      float[] data = leaves[i].toArray();
      if (k < vars.size() && vars.get(k) == i) data[j] = value;
      args[i] = Tensor.of(data, leaves[i].shape()).requiresGrad(leaves[i].requiresGrad());
    }
    float[] r = rw.clone();
    if (k == vars.size()) r[j] = value;
    Tensor out = f.apply(args);
    if (!out.requiresGrad()) return 0;
    Tensor[] xs = new Tensor[vars.size()];
    for (int q = 0; q < xs.length; q++) xs[q] = args[vars.get(q)];
    Tensor[] grads = Autograd.grad(new Tensor[] {out}, xs, new Tensor[] {Tensor.of(r, out.shape())}, false, false, true);
    double sum = 0;
    for (int q = 0; q < xs.length; q++) {
      if (grads[q] == null) continue;
      float[] gq = grads[q].toArray();
      float[] vq = v[vars.get(q)];
      for (int e = 0; e < gq.length; e++) sum += (double) gq[e] * vq[e];
    }
    return sum;
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
    return projection(n, 12345);
  }

  private static float[] projection(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] w = new float[n];
    for (int k = 0; k < n; k++) w[k] = (float) ((0.5 + rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1));
    return w;
  }
}
