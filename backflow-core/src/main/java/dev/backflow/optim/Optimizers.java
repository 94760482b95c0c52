package dev.backflow.optim;

import dev.backflow.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizers by the names the command line and the page give them, so that a name means the same
 * optimizer everywhere: sgd, momentum (SGD with μ = 0.9), nesterov (the same with Nesterov's look-ahead),
 * rmsprop, adam and adamw, each with PyTorch's defaults for what is not given.
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.create("adamw", model.parameters(), 1e-3);
 * }</pre>
 */
public final class Optimizers {
  /**
   * Settings beyond the learning rate; a null one takes the optimizer's own default.
   * @param weightDecay the weight decay (an L2 penalty, or AdamW's decoupled decay), or null for the optimizer's default
   */
  public record Options(Double weightDecay) {
    /** Every setting at the optimizer's default: weight decay 0, AdamW's 0.01. */
    public static final Options DEFAULTS = new Options(null);

    /**
     * These options with another weight decay.
     * @param weightDecay the weight decay, 0 or more
     * @return new options; this one is unchanged
     */
    public Options withWeightDecay(double weightDecay) {
      return new Options(weightDecay);
    }

    double weightDecayOr(double fallback) {
      return weightDecay == null ? fallback : weightDecay;
    }
  }

  /** Builds an optimizer over {@code params} with learning rate {@code lr}. */
  @FunctionalInterface
  public interface Factory {
    /**
     * Builds the optimizer.
     * @param params the parameters to optimize
     * @param lr the learning rate, positive
     * @param options the other settings; null entries take the optimizer's defaults
     * @return a new optimizer over {@code params}
     * @throws IllegalArgumentException if a setting is out of range or a tensor is not a trainable leaf
     */
    Optimizer create(List<Tensor> params, double lr, Options options);
  }

  private static final Map<String, Factory> FACTORIES;

  static {
    Map<String, Factory> m = new LinkedHashMap<>();
    m.put("sgd", (p, lr, o) -> new Sgd(p, lr, 0, 0, o.weightDecayOr(0), false));
    m.put("momentum", (p, lr, o) -> new Sgd(p, lr, 0.9, 0, o.weightDecayOr(0), false));
    m.put("nesterov", (p, lr, o) -> new Sgd(p, lr, 0.9, 0, o.weightDecayOr(0), true));
    m.put("rmsprop", (p, lr, o) -> new RmsProp(p, lr, 0.99, 1e-8, o.weightDecayOr(0), 0, false));
    m.put("adam", (p, lr, o) -> new Adam(p, lr, 0.9, 0.999, 1e-8, o.weightDecayOr(0)));
    m.put("adamw", (p, lr, o) -> new AdamW(p, lr, 0.9, 0.999, 1e-8, o.weightDecayOr(0.01)));
    FACTORIES = Collections.unmodifiableMap(m);
  }

  private Optimizers() {}

  /**
   * The names, in the order they are listed to users.
   * @return the registered names: sgd, momentum, nesterov, rmsprop, adam, adamw
   */
  public static List<String> names() {
    return List.copyOf(FACTORIES.keySet());
  }

  /**
   * The names as an error message lists them: "sgd, momentum, ..., adam or adamw".
   * @return the names joined for a message
   */
  public static String choices() {
    List<String> n = names();
    return String.join(", ", n.subList(0, n.size() - 1)) + " or " + n.get(n.size() - 1);
  }

  /**
   * Whether {@code name} is a registered optimizer.
   * @param name a name as given by the user, case-sensitive
   * @return true if {@link #create} accepts it
   */
  public static boolean isKnown(String name) {
    return FACTORIES.containsKey(name);
  }

  /**
   * The factory for {@code name}; an unknown name is refused with the valid choices.
   * @param name a registered name, see {@link #names()}
   * @return the factory that builds that optimizer
   * @throws IllegalArgumentException if the name is unknown; the message lists the valid ones
   */
  public static Factory factory(String name) {
    Factory f = FACTORIES.get(name);
    if (f == null) throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected " + choices() + ")");
    return f;
  }

  /**
   * The optimizer named {@code name} with its default options.
   * @param name a registered name, see {@link #names()}
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @return a new optimizer over {@code params}
   * @throws IllegalArgumentException if the name is unknown, {@code lr} is not positive, or a tensor is not a
   *     trainable leaf
   */
  public static Optimizer create(String name, List<Tensor> params, double lr) {
    return create(name, params, lr, Options.DEFAULTS);
  }

  /**
   * The optimizer named {@code name} with the given options.
   * @param name a registered name, see {@link #names()}
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @param options settings beyond the learning rate, such as the weight decay
   * @return a new optimizer over {@code params}
   * @throws IllegalArgumentException if the name is unknown, a setting is out of range, or a tensor is not a trainable
   *     leaf
   */
  public static Optimizer create(String name, List<Tensor> params, double lr, Options options) {
    return factory(name).create(params, lr, options);
  }
}
