package dev.backflow.examples;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Why backpropagation wins, measured: every gradient of an MLP's loss by finite differences, one weight at a
 * time exactly as the articles' loop does ({@code w += ε; loss_plus = loss(); w -= ε; ...}), against one
 * forward and one backward pass; and how accurate finite differences are as ε varies.
 *
 * <p>Finite differences cost one forward pass per weight (two with central differences), each pass itself
 * proportional to the number of weights n: O(n²) in all. Backprop gets all n gradients from one forward and
 * one backward pass, O(n). {@code backflow explain cost} prints and charts what {@link #measure} and
 * {@link #epsilonSweep} return; {@link #main} prints the table without charts.
 */
public final class GradientCost {
  /**
   * Examples in the batch the timed loss is computed over (random inputs, random class labels): large enough
   * that a pass's arithmetic, not its fixed costs, dominates from a few thousand parameters up.
   */
  public static final int BATCH = 512;
  /** The ε sweep's batch: accuracy does not depend on it, and its double-precision mirror runs in plain loops. */
  static final int SWEEP_BATCH = 64;
  static final int INPUTS = 32, CLASSES = 10;

  private GradientCost() {}

  // ============================================================================================ networks

  /**
   * An MLP of tanh layers from {@value #INPUTS} inputs to {@value #CLASSES} classes, with these hidden widths.
   * @param hidden the hidden layers' widths, input side first; at least one, each positive
   */
  public record Shape(int... hidden) {
    /**
     * Copies {@code hidden}.
     *
     * @param hidden the hidden layers' widths, input side first; at least one, each positive
     * @throws IllegalArgumentException if there is no hidden layer or a width is not positive
     */
    public Shape {
      if (hidden.length == 0) throw new IllegalArgumentException("an MLP needs at least one hidden layer");
      for (int h : hidden) if (h <= 0) throw new IllegalArgumentException("hidden widths must be positive, got " + Arrays.toString(hidden));
      hidden = hidden.clone();
    }

    /**
     * Weights and biases of all layers.
     * @return the number of parameters n
     */
    public long parameters() {
      long n = 0;
      int in = INPUTS;
      for (int h : hidden) {
        n += (long) in * h + h;
        in = h;
      }
      return n + (long) in * CLASSES + CLASSES;
    }

    /**
     * "32-256-256-10".
     * The layer widths joined by dashes, input to output, e.g. "32-256-256-10".
     *
     * @return the description
     */
    public String describe() {
      StringBuilder sb = new StringBuilder().append(INPUTS);
      for (int h : hidden) sb.append('-').append(h);
      return sb.append('-').append(CLASSES).toString();
    }

    Sequential build(long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      Sequential s = new Sequential();
      int in = INPUTS;
      for (int h : hidden) {
        s.add(new Linear(in, h, rng)).add(Activation.tanh());
        in = h;
      }
      return s.add(new Linear(in, CLASSES, rng));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Shape && Arrays.equals(hidden, ((Shape) o).hidden);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(hidden);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /**
   * From 96 to 1,044,010 parameters, one, two and three hidden layers.
   * @return the shapes, smallest first
   */
  public static List<Shape> ladder() {
    return List.of(new Shape(2), new Shape(8), new Shape(16, 16), new Shape(32, 32), new Shape(64, 64),
        new Shape(96, 96, 96), new Shape(256, 256), new Shape(384, 384, 384), new Shape(1000, 1000));
  }

  /**
   * The smallest shape of the ladder with at least {@code parameters} parameters (the largest if none has).
   * @param parameters the wanted number of parameters
   * @return a shape of the ladder
   */
  public static Shape nearest(long parameters) {
    for (Shape s : ladder()) if (s.parameters() >= parameters) return s;
    List<Shape> all = ladder();
    return all.get(all.size() - 1);
  }

  /** A network with its batch: the loss it computes, and its parameters. */
  static final class Problem {
    final Sequential model;
    final Tensor x;
    final int[] labels;
    final int batch;

    Problem(Shape shape, long seed) {
      this(shape, seed, BATCH);
    }

    Problem(Shape shape, long seed, int batch) {
      this.batch = batch;
      model = shape.build(seed);
      SplittableRandom rng = new SplittableRandom(seed + 1);
      x = Tensor.randn(rng, batch, INPUTS);
      labels = new int[batch];
      for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(CLASSES);
    }

    Tensor loss() {
      return Losses.crossEntropy(model.forward(x), labels);
    }

    /** The loss as a number, no graph recorded: what each finite-difference evaluation costs. */
    float lossValue() {
      try (var g = Autograd.noGrad()) {
        return loss().item();
      }
    }

    /** All gradients by backprop: one forward, one backward. */
    List<float[]> backprop() {
      model.zeroGrad();
      loss().backward();
      List<float[]> out = new ArrayList<>();
      for (Tensor p : model.parameters()) out.add(p.grad().toArray());
      return out;
    }
  }

  // ============================================================================================ the articles' loop

  /**
   * Gradients of the weights numbered {@code from} (inclusive) to {@code to} (exclusive, counted across all
   * parameter tensors in order), every {@code stride}-th one, by finite differences: one-sided
   * (L(w + ε) − L(w)) / ε, or central (L(w + ε) − L(w − ε)) / 2ε. Each weight is restored exactly afterwards.
   */
  static double[] finiteDifferences(Problem p, boolean central, float eps, long from, long to, long stride) {
    return finiteDifferences(p, central, eps, from, to, stride, central ? Double.NaN : p.lossValue());
  }

  /** As above, with the unperturbed loss {@code base} (one-sided differences) already computed. */
  private static double[] finiteDifferences(Problem p, boolean central, float eps, long from, long to, long stride, double base) {
    double[] out = new double[(int) ((to - from + stride - 1) / stride)];
    int k = 0;
    long offset = 0;
    try (var g = Autograd.noGrad()) {
      for (Tensor param : p.model.parameters()) {
        Tensor flat = param.view(-1);
        int n = param.numel();
        long start = Math.max(from, offset), behind = (start - from) % stride;
        if (behind != 0) start += stride - behind;
        for (long global = start; global < Math.min(to, offset + n); global += stride) {
          int i = (int) (global - offset);
          Tensor w = flat.narrow(0, i, 1);
          float original = flat.get(i);
          w.fill_(original + eps);
          double plus = p.lossValue();
          double grad;
          if (central) {
            w.fill_(original - eps);
            grad = (plus - p.lossValue()) / (2.0 * eps);
          } else {
            grad = (plus - base) / eps;
          }
          w.fill_(original);
          out[k++] = grad;
        }
        offset += n;
      }
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  // ============================================================================================ timing

  /**
   * One network size. Times in seconds. {@code forward}: one loss evaluation without a graph (what finite
   * differences repeat); {@code forwardBackward}: zeroGrad, a recording forward and backward (all gradients).
   * {@code oneSided}/{@code central}: all gradients by finite differences, either timed over every weight
   * ({@code measured}) or timed over {@code sampled} weights spread over the network and scaled by n / sampled.
   * @param shape the network measured
   * @param parameters its number of parameters n
   * @param forward seconds per loss evaluation without a graph
   * @param recordingForward seconds per loss evaluation recording the graph
   * @param forwardBackward seconds per zeroGrad, recording forward and backward
   * @param oneSided seconds for all n gradients by one-sided differences
   * @param central seconds for all n gradients by central differences
   * @param measured true if the finite differences were timed over every weight, false if sampled and scaled
   * @param sampled the number of weights timed
   */
  public record Measurement(Shape shape, long parameters, double forward, double recordingForward, double forwardBackward,
                            double oneSided, double central, boolean measured, long sampled) {
    /**
     * Backward's cost in forward passes: (forward + backward − forward) / forward, both recording.
     * @return backward's time over a recording forward's
     */
    public double backwardOverForward() {
      return (forwardBackward - recordingForward) / recordingForward;
    }

    /**
     * How many times longer one-sided finite differences take than one forward + backward pass.
     * @return the ratio of the two times
     */
    public double speedup() {
      return oneSided / forwardBackward;
    }

    /**
     * How many times longer central finite differences take than one forward + backward pass.
     *
     * @return the ratio of the two times
     */
    public double centralSpeedup() {
      return central / forwardBackward;
    }
  }

  /**
   * Times one network: backprop always; finite differences over every weight when the one-sided pass is
   * expected to take at most {@code budgetSeconds}, otherwise over a sample of weights sized to about a fifth
   * of the budget (at least 64), spread evenly over the network and scaled to all n.
   *
   * <p>Every figure is the fastest of many short blocks (calls of a pass, or chunks of a few milliseconds of
   * finite differences): on a machine shared with other work, the fastest block is the least disturbed one,
   * and both methods are measured the same way.
   * @param shape the network to time
   * @param budgetSeconds roughly how long the finite differences may take
   * @param seed the seed of the weights and the batch
   * @return the times
   */
  public static Measurement measure(Shape shape, double budgetSeconds, long seed) {
    Problem p = new Problem(shape, seed);
    long n = shape.parameters();
    double window = Math.min(2, Math.max(0.05, budgetSeconds / 5));
    Runnable[] passes = {p::lossValue, () -> p.loss().item(), () -> {
      p.model.zeroGrad();
      p.loss().backward();
    }};
    double[] t = secondsPerCall(window, passes);
    double forward = t[0];
    boolean all = n * forward <= budgetSeconds;
    long stride = all ? 1 : Math.max(1, (long) Math.floor(n / Math.max(64.0, budgetSeconds / 5 / forward)));
    long count = (n + stride - 1) / stride;
    double oneSided = secondsPerWeight(p, false, n, stride, forward, budgetSeconds) * n;
    double central = secondsPerWeight(p, true, n, stride, forward, budgetSeconds) * n;
    // a second window, seconds later: a burst of other work rarely covers both
    double[] again = secondsPerCall(window, passes);
    for (int k = 0; k < t.length; k++) t[k] = Math.min(t[k], again[k]);
    return new Measurement(shape, n, t[0], t[1], t[2], oneSided, central, all, count);
  }

  /** Blocks of finite differences last about this long: long enough to time, short enough to often run undisturbed. */
  private static final double CHUNK_SECONDS = 0.003;

  /**
   * Finite differences over every {@code stride}-th weight, in chunks of about {@link #CHUNK_SECONDS}; the pass
   * is repeated while the repeats fit in half the budget (after untimed passes when it is short, so the JIT has
   * compiled it). Returns the fastest chunk's time per weight: each weight costs the same passes.
   */
  private static double secondsPerWeight(Problem p, boolean central, long n, long stride, double forward, double budgetSeconds) {
    double perWeight = forward * (central ? 2 : 1);
    long count = (n + stride - 1) / stride;
    long chunk = Math.min(count, Math.max(1, (long) Math.ceil(CHUNK_SECONDS / perWeight))); // a short pass is one chunk
    double pass = perWeight * count;
    if (pass * 4 <= budgetSeconds) { // untimed passes until the JIT has compiled the loop: at least one, for up to 0.3 s
      long until = System.nanoTime() + (long) (Math.min(0.3, budgetSeconds / 4) * 1e9);
      do finiteDifferences(p, central, 1e-3f, 0, n, stride); while (System.nanoTime() < until);
    }
    double base = p.lossValue(), best = Double.POSITIVE_INFINITY, spent = 0;
    for (int rep = 0; rep < 20 && (rep == 0 || spent + pass <= budgetSeconds / 2); rep++) {
      for (long from = 0; from < n; from += chunk * stride) {
        long to = Math.min(n, from + chunk * stride);
        long t0 = System.nanoTime();
        double[] g = finiteDifferences(p, central, 1e-3f, from, to, stride, base);
        double s = (System.nanoTime() - t0) / 1e9;
        spent += s;
        if (g.length == chunk) best = Math.min(best, s / g.length); // a short last chunk would overweight the call's cost
      }
    }
    return best;
  }

  /**
   * For each task, the fastest of many blocks, each of enough calls to last about a millisecond (one call when a
   * call is longer). The tasks' blocks take turns for about {@code totalSeconds} after a warm-up, so that all of
   * them meet the same quiet and busy moments of the machine.
   */
  static double[] secondsPerCall(double totalSeconds, Runnable... tasks) {
    // the JIT keeps compiling for a while on each new shape: warm up as long as the timing itself
    long warmUntil = System.nanoTime() + (long) (Math.max(0.05, totalSeconds) * 1e9);
    while (System.nanoTime() < warmUntil) for (Runnable r : tasks) r.run();
    long[] calls = new long[tasks.length];
    for (int k = 0; k < tasks.length; k++) {
      calls[k] = 1;
      while (true) {
        long t0 = System.nanoTime();
        for (long i = 0; i < calls[k]; i++) tasks[k].run();
        if ((System.nanoTime() - t0) / 1e9 >= 1e-3 || calls[k] > 1 << 20) break;
        calls[k] *= 2;
      }
    }
    double[] best = new double[tasks.length];
    java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    long until = System.nanoTime() + (long) (totalSeconds * 1e9);
    for (int b = 0; b < 1000 && (b < 10 || System.nanoTime() < until); b++) {
      for (int k = 0; k < tasks.length; k++) {
        long t0 = System.nanoTime();
        for (long i = 0; i < calls[k]; i++) tasks[k].run();
        best[k] = Math.min(best[k], (System.nanoTime() - t0) / 1e9 / calls[k]);
      }
    }
    return best;
  }

  // ============================================================================================ fits

  /**
   * log10(time) = slope · log10(parameters) + intercept: a straight line on a log–log chart.
   * @param slope the exponent k of time ∝ n^k (1 for linear, 2 for quadratic)
   * @param intercept log10 of the time at one parameter
   * @param fromParameters the smallest size fitted
   * @param toParameters the largest size fitted
   */
  public record Fit(double slope, double intercept, double fromParameters, double toParameters) {
    /**
     * The fitted time at a size.
     *
     * @param parameters the number of parameters
     * @return the time in seconds the fit predicts
     */
    public double at(double parameters) {
      return Math.pow(10, intercept + slope * Math.log10(parameters));
    }
  }

  /**
   * Least squares on the logarithms.
   * @param parameters the sizes, positive
   * @param seconds the times at those sizes, positive
   * @return the fitted line
   * @throws IllegalArgumentException if fewer than two sizes are given
   */
  public static Fit fit(double[] parameters, double[] seconds) {
    if (parameters.length < 2) throw new IllegalArgumentException("a slope needs at least two sizes, got " + parameters.length);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int k = parameters.length;
    for (int i = 0; i < k; i++) {
      double x = Math.log10(parameters[i]), y = Math.log10(seconds[i]);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
    return new Fit(slope, (sy - slope * sx) / k, Arrays.stream(parameters).min().getAsDouble(),
        Arrays.stream(parameters).max().getAsDouble());
  }

  /**
   * The whole study: every size of the ladder up to {@code maxParameters}; the slopes of one-sided finite
   * differences, forward + backward and forward over the sizes from {@link #FIT_FROM} up; and the slope of the
   * sizes whose finite differences ran over every weight, which the text extrapolates to the largest size.
   * @param sizes the measurements, smallest network first
   * @param finiteDifferences the fit of one-sided finite differences
   * @param backprop the fit of forward + backward
   * @param forward the fit of one forward pass
   * @param measuredFiniteDifferences the fit over the fully measured sizes only, or null if fewer than two
   */
  public record Study(List<Measurement> sizes, Fit finiteDifferences, Fit backprop, Fit forward, Fit measuredFiniteDifferences) {
    /**
     * The measurement of the largest network.
     *
     * @return the last of {@link #sizes()}
     */
    public Measurement largest() {
      return sizes.get(sizes.size() - 1);
    }
  }

  /** Sizes from which the slopes are fitted: below them a pass costs mostly its fixed overheads, not its arithmetic. */
  public static final double FIT_FROM = 20_000;

  /**
   * Measures every ladder size up to a limit (seconds to minutes) and fits the slopes.
   *
   * @param maxParameters the largest size to measure
   * @param budgetSeconds roughly how long each size's finite differences may take
   * @param seed the seed of the weights and batches
   * @return the study
   */
  public static Study study(long maxParameters, double budgetSeconds, long seed) {
    List<Measurement> sizes = new ArrayList<>();
    for (Shape s : ladder()) if (s.parameters() <= maxParameters) sizes.add(measure(s, budgetSeconds, seed));
    return study(sizes);
  }

  /**
   * Fits the slopes of measurements already taken.
   *
   * @param sizes the measurements, smallest network first
   * @return the study
   */
  public static Study study(List<Measurement> sizes) {
    List<Measurement> large = new ArrayList<>(), measured = new ArrayList<>();
    for (Measurement m : sizes) {
      if (m.parameters() >= FIT_FROM) large.add(m);
      if (m.measured()) measured.add(m);
    }
    if (large.size() < 2) large = sizes; // a short ladder: fit what there is
    // the extrapolation uses the upper half of the fully measured sizes, the nearest the large ones
    List<Measurement> upper = measured.size() < 4 ? measured : measured.subList(measured.size() / 2, measured.size());
    return new Study(sizes, fitOf(large, Measurement::oneSided), fitOf(large, Measurement::forwardBackward),
        fitOf(large, Measurement::forward), fitOf(upper, Measurement::oneSided));
  }

  private static Fit fitOf(List<Measurement> sizes, java.util.function.ToDoubleFunction<Measurement> time) {
    if (sizes.size() < 2) return null;
    return fit(sizes.stream().mapToDouble(Measurement::parameters).toArray(), sizes.stream().mapToDouble(time).toArray());
  }

  // ============================================================================================ accuracy

  /**
   * Finite differences against backprop as ε varies: for each ε, the largest difference between a
   * finite-difference gradient and backprop's, relative to the largest gradient, ‖fd − bp‖∞ / ‖bp‖∞, in
   * float32 (the engine itself) and in double (the same network and weights evaluated in double by
   * {@link DoubleMlp}, against its own double backward pass).
   * @param epsilon the step ε
   * @param oneSidedFloat the relative error of one-sided differences in float32
   * @param centralFloat the relative error of central differences in float32
   * @param oneSidedDouble the relative error of one-sided differences in double
   * @param centralDouble the relative error of central differences in double
   */
  public record EpsilonPoint(double epsilon, double oneSidedFloat, double centralFloat, double oneSidedDouble, double centralDouble) {}

  /** The small network of the ε sweep: 32-8-10, 354 parameters. */
  public static final Shape SWEEP_SHAPE = new Shape(8);

  /**
   * The accuracy of finite differences for ε from 1e-1 down to 1e-10, on {@link #SWEEP_SHAPE}.
   *
   * @param seed the seed of the weights and the batch
   * @return one point per ε, largest ε first
   */
  public static List<EpsilonPoint> epsilonSweep(long seed) {
    Problem p = new Problem(SWEEP_SHAPE, seed, SWEEP_BATCH);
    long n = SWEEP_SHAPE.parameters();
    double[] bp = flatten(p.backprop());
    DoubleMlp d = new DoubleMlp(p);
    double[] bp64 = d.gradient();
    List<EpsilonPoint> out = new ArrayList<>();
    for (int e = 2; e <= 20; e++) {
      double eps = Math.pow(10, -e / 2.0);
      out.add(new EpsilonPoint(eps,
          relative(finiteDifferences(p, false, (float) eps, 0, n, 1), bp),
          relative(finiteDifferences(p, true, (float) eps, 0, n, 1), bp),
          relative(d.finiteDifferences(false, eps), bp64),
          relative(d.finiteDifferences(true, eps), bp64)));
    }
    return out;
  }

  static double relative(double[] fd, double[] bp) {
    double worst = 0, largest = 0;
    for (int i = 0; i < bp.length; i++) {
      worst = Math.max(worst, Math.abs(fd[i] - bp[i]));
      largest = Math.max(largest, Math.abs(bp[i]));
    }
    return worst / largest;
  }

  private static double[] flatten(List<float[]> parts) {
    int n = 0;
    for (float[] a : parts) n += a.length;
    double[] out = new double[n];
    int k = 0;
    for (float[] a : parts) for (float v : a) out[k++] = v;
    return out;
  }

  /**
   * The ε sweep's network in double precision, written out by hand: tanh layers, then mean cross-entropy, with
   * its backward pass. It exists only so that finite differences can be seen without float32's rounding.
   */
  static final class DoubleMlp {
    final double[][] w, b; // w[l] is [out][in] row-major as in Linear
    final int[] widths;
    final double[][] x;
    final int[] labels;
    final int batch;

    DoubleMlp(Problem p) {
      batch = p.batch;
      List<Tensor> ps = p.model.parameters();
      int layers = ps.size() / 2;
      w = new double[layers][];
      b = new double[layers][];
      widths = new int[layers + 1];
      widths[0] = INPUTS;
      for (int l = 0; l < layers; l++) {
        w[l] = toDouble(ps.get(2 * l).toArray());
        b[l] = toDouble(ps.get(2 * l + 1).toArray());
        widths[l + 1] = b[l].length;
      }
      float[] xs = p.x.toArray();
      x = new double[batch][INPUTS];
      for (int i = 0; i < batch; i++) for (int j = 0; j < INPUTS; j++) x[i][j] = xs[i * INPUTS + j];
      labels = p.labels;
    }

    private static double[] toDouble(float[] a) {
      double[] d = new double[a.length];
      for (int i = 0; i < a.length; i++) d[i] = a[i];
      return d;
    }

    /** Activations of every layer for every example: a[l][i] (a[0] the input; the last, the logits). */
    double[][][] forward() {
      int layers = w.length;
      double[][][] a = new double[layers + 1][][];
      a[0] = x;
      for (int l = 0; l < layers; l++) {
        int in = widths[l], out = widths[l + 1];
        a[l + 1] = new double[batch][out];
        for (int i = 0; i < batch; i++) {
          for (int o = 0; o < out; o++) {
            double z = b[l][o];
            for (int j = 0; j < in; j++) z += w[l][o * in + j] * a[l][i][j];
            a[l + 1][i][o] = l + 1 < layers ? Math.tanh(z) : z;
          }
        }
      }
      return a;
    }

    double loss() {
      double[][] logits = forward()[w.length];
      double sum = 0;
      for (int i = 0; i < batch; i++) sum += logSumExp(logits[i]) - logits[i][labels[i]];
      return sum / batch;
    }

    private static double logSumExp(double[] v) {
      double m = Double.NEGATIVE_INFINITY, s = 0;
      for (double x : v) m = Math.max(m, x);
      for (double x : v) s += Math.exp(x - m);
      return m + Math.log(s);
    }

    /** Backprop in double, flattened in the order of the model's parameters (w0, b0, w1, b1, ...). */
    double[] gradient() {
      double[][][] a = forward();
      int layers = w.length;
      double[][] gw = new double[layers][], gb = new double[layers][];
      double[][] delta = new double[batch][]; // ∂L/∂z of the current layer
      for (int i = 0; i < batch; i++) {
        double[] z = a[layers][i];
        double lse = logSumExp(z);
        delta[i] = new double[z.length];
        for (int o = 0; o < z.length; o++) delta[i][o] = (Math.exp(z[o] - lse) - (o == labels[i] ? 1 : 0)) / batch;
      }
      for (int l = layers - 1; l >= 0; l--) {
        int in = widths[l], out = widths[l + 1];
        gw[l] = new double[out * in];
        gb[l] = new double[out];
        double[][] below = new double[batch][in];
        for (int i = 0; i < batch; i++) {
          for (int o = 0; o < out; o++) {
            double d = delta[i][o];
            gb[l][o] += d;
            for (int j = 0; j < in; j++) {
              gw[l][o * in + j] += d * a[l][i][j];
              below[i][j] += d * w[l][o * in + j];
            }
          }
          if (l > 0) for (int j = 0; j < in; j++) below[i][j] *= 1 - a[l][i][j] * a[l][i][j]; // tanh' = 1 − tanh²
        }
        delta = below;
      }
      List<double[]> parts = new ArrayList<>();
      for (int l = 0; l < layers; l++) {
        parts.add(gw[l]);
        parts.add(gb[l]);
      }
      return concat(parts);
    }

    double[] finiteDifferences(boolean central, double eps) {
      List<double[]> parts = new ArrayList<>();
      for (int l = 0; l < w.length; l++) {
        parts.add(w[l]);
        parts.add(b[l]);
      }
      double base = central ? Double.NaN : loss();
      List<double[]> grads = new ArrayList<>();
      for (double[] v : parts) {
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          double original = v[i];
          v[i] = original + eps;
          double plus = loss();
          if (central) {
            v[i] = original - eps;
            g[i] = (plus - loss()) / (2 * eps);
          } else {
            g[i] = (plus - base) / eps;
          }
          v[i] = original;
        }
        grads.add(g);
      }
      return concat(grads);
    }

    private static double[] concat(List<double[]> parts) {
      int n = 0;
      for (double[] p : parts) n += p.length;
      double[] out = new double[n];
      int k = 0;
      for (double[] p : parts) {
        System.arraycopy(p, 0, out, k, p.length);
        k += p.length;
      }
      return out;
    }
  }

  // ============================================================================================ text

  /**
   * The machine, for the record: the CPU's model name and the cores Java sees.
   * @return one line describing the machine
   */
  public static String machine() {
    String model = "unknown CPU", family = null, number = null, vectors = "";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        String value = line.indexOf(':') < 0 ? "" : line.substring(line.indexOf(':') + 1).trim();
        if (line.startsWith("model name") && model.equals("unknown CPU")) model = value;
        else if (line.startsWith("cpu family") && family == null) family = value;
        else if (line.startsWith("model\t") && number == null) number = value;
        else if (line.startsWith("flags") && vectors.isEmpty()) {
          List<String> flags = Arrays.asList(value.split(" "));
          vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2";
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the name stays unknown
    }
    String detail = family == null ? vectors : "family " + family + " model " + number + (vectors.isEmpty() ? "" : ", " + vectors);
    return model + (detail.isEmpty() ? "" : " (" + detail + ")") + ", " + Runtime.getRuntime().availableProcessors()
        + " cores, Java " + Runtime.version().feature();
  }

  /**
   * The table, the slopes and the comparison with the articles' 500,000x, as text.
   * @param study the measurements and fits
   * @return the report as multi-line text
   */
  public static String report(Study study) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "All gradients of an MLP's loss (batch of %d, tanh, cross-entropy): finite differences,"
        + " one weight at a time, against one forward + backward pass.%nMachine: %s. Date: %s.%n%n", BATCH, machine(),
        LocalDate.now(ZoneOffset.UTC)));
    sb.append(String.format(Locale.ROOT, "%-18s %10s %10s %9s %12s %12s %12s %11s%n", "network", "parameters", "forward",
        "bwd/fwd", "fwd+bwd", "FD one-sided", "FD central", "speedup"));
    for (Measurement m : study.sizes()) {
      String mark = m.measured() ? " " : "*";
      sb.append(String.format(Locale.ROOT, "%-18s %,10d %10s %9.2f %12s %12s %12s %11s%n", m.shape().describe(), m.parameters(),
          time(m.forward()), m.backwardOverForward(), time(m.forwardBackward()), time(m.oneSided()) + mark,
          time(m.central()) + mark, String.format(Locale.ROOT, "%,.0fx", m.speedup())));
    }
    sb.append("\nforward: one loss evaluation without a graph, what finite differences repeat; bwd/fwd: the backward pass's cost\n"
        + "in recording forward passes; speedup: one-sided finite differences / (forward + backward). Every time is the\n"
        + "fastest of many blocks of a few milliseconds (a whole pass for the smallest networks), the same way for both\n"
        + "methods, so that other work on the machine disturbs the figures as little as possible.\n");
    boolean anySampled = study.sizes().stream().anyMatch(m -> !m.measured());
    if (anySampled) {
      sb.append("* not run over every weight (it would take minutes to hours): timed on a sample of weights spread over the\n"
          + "  network and scaled to all n (every weight costs the same forward pass).\n");
    }
    Fit fd = study.finiteDifferences(), bp = study.backprop(), fw = study.forward(), early = study.measuredFiniteDifferences();
    Measurement top = study.largest();
    sb.append('\n');
    if (fd != null && bp != null && fw != null) {
      sb.append(String.format(Locale.ROOT, "Fitted slopes on log-log axes (time ~ parameters^slope), sizes %,.0f to %,.0f: finite"
          + " differences %.2f, forward + backward %.2f, forward %.2f. The arithmetic alone would give 2, 1 and 1; smaller"
          + " sizes pay fixed per-pass costs (op dispatch, allocation, thread hand-offs) that do not grow with n.%n",
          fd.fromParameters(), fd.toParameters(), fd.slope(), bp.slope(), fw.slope()));
    }
    if (!top.measured() && early != null) {
      sb.append(String.format(Locale.ROOT, "Extrapolated along the slope of the sizes measured over every weight (%.2f, %,.0f to"
          + " %,.0f parameters), one-sided finite differences at %,d parameters would take %s; timed on a sample of %,d"
          + " weights and scaled, they take %s (the table's figure): the small sizes' overheads flatten the early slope,"
          + " so the extrapolation undershoots.%n", early.slope(), early.fromParameters(), early.toParameters(), top.parameters(),
          time(early.at(top.parameters())), top.sampled(), time(top.oneSided())));
    }
    sb.append(String.format(Locale.ROOT, "%nAt %,d parameters: finite differences take %s one-sided and %s central; one forward +"
        + " backward pass takes %s. Speedup %,.0fx one-sided, %,.0fx central.%n", top.parameters(), time(top.oneSided()),
        time(top.central()), time(top.forwardBackward()), top.speedup(), top.centralSpeedup()));
    double r = top.backwardOverForward(), count = top.parameters() / (1 + r);
    double perWeight = top.oneSided() / top.parameters() / top.recordingForward();
    sb.append(String.format(Locale.ROOT, "The articles say 500,000x for 1,000,000 weights: n forward passes against \"1 forward + 1"
        + " backward\", counted as two passes, so n/2. But a backward pass costs more than a forward one: it computes two"
        + " products per layer (the gradient of the weights and the gradient passed to the layer below) for the forward's"
        + " one, about two forward passes; here it measured %.2f. So the honest count is n/(1 + %.2f) = %,.0fx for one-sided"
        + " differences, twice that (%,.0fx) for central ones, which need two passes per weight. Measured: %,.0fx and %,.0fx,"
        + " %.0f%% from the count: one weight's finite difference cost %.2f recording forward passes here (a forward pass"
        + " without a graph, plus nudging and restoring the weight), not exactly one.%n", r, r, count, 2 * count, top.speedup(),
        top.centralSpeedup(), 100 * Math.abs(top.speedup() / count - 1), perWeight));
    return sb.toString();
  }

  /**
   * The ε sweep as a table.
   * @param sweep the points of {@link #epsilonSweep}
   * @return the table as multi-line text
   */
  public static String epsilonReport(List<EpsilonPoint> sweep) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Finite differences against backprop on a %s MLP (%d parameters), as epsilon varies:%n"
        + "the largest difference between the two gradients, relative to the largest gradient (batch of %d).%n%n",
        SWEEP_SHAPE.describe(), SWEEP_SHAPE.parameters(), SWEEP_BATCH));
    sb.append(String.format(Locale.ROOT, "%9s %16s %16s %16s %16s%n", "epsilon", "float32 one-sided", "float32 central",
        "double one-sided", "double central"));
    for (EpsilonPoint e : sweep) {
      sb.append(String.format(Locale.ROOT, "%9.0e %16.2e %16.2e %16.2e %16.2e%n", e.epsilon(), e.oneSidedFloat(), e.centralFloat(),
          e.oneSidedDouble(), e.centralDouble()));
    }
    EpsilonPoint bf = best(sweep, EpsilonPoint::centralFloat), bd = best(sweep, EpsilonPoint::centralDouble);
    sb.append(String.format(Locale.ROOT, "%nToo large an epsilon and the difference quotient measures the curve, not the slope"
        + " (truncation: error ~ epsilon one-sided, ~ epsilon^2 central); too small and the two losses agree in all but their last"
        + " digits, so their difference is rounding noise (cancellation: error ~ rounding / epsilon). float32 keeps about 7"
        + " digits: its best is %.1e at epsilon %.0e (central). double keeps about 16: %.1e at epsilon %.0e. That is why"
        + " gradient checks use double, central differences and a careful epsilon; GradCheck forms its differences in double"
        + " and scales its tolerance to float32's rounding.%n", bf.centralFloat(), bf.epsilon(), bd.centralDouble(), bd.epsilon()));
    return sb.toString();
  }

  static EpsilonPoint best(List<EpsilonPoint> sweep, java.util.function.ToDoubleFunction<EpsilonPoint> error) {
    EpsilonPoint best = sweep.get(0);
    for (EpsilonPoint e : sweep) if (error.applyAsDouble(e) < error.applyAsDouble(best)) best = e;
    return best;
  }

  /**
   * "12.3 µs", "4.56 ms", "7.8 s", "2.1 h".
   * A duration in the unit that suits it.
   *
   * @param seconds the duration
   * @return the duration with a unit, e.g. "12.3 µs" or "4.56 ms"
   */
  public static String time(double seconds) {
    if (seconds < 1e-3) return String.format(Locale.ROOT, "%.1f µs", seconds * 1e6);
    if (seconds < 1) return String.format(Locale.ROOT, "%.2f ms", seconds * 1e3);
    if (seconds < 120) return String.format(Locale.ROOT, "%.2f s", seconds);
    if (seconds < 7200) return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }

  /**
   * Prints the table and the ε sweep: {@code java -cp backflow-core.jar dev.backflow.examples.GradientCost [maxParameters]}.
   * @param args optionally the largest number of parameters to measure (default 1,100,000)
   */
  public static void main(String[] args) {
    long max = args.length > 0 ? Long.parseLong(args[0]) : 1_100_000;
    System.out.println(report(study(max, 5, 0)));
    System.out.println(epsilonReport(epsilonSweep(0)));
  }
}
