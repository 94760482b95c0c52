package dev.backflow.autograd;

/**
 * Global switches of the autograd engine, as torch.no_grad() and torch.autograd.set_detect_anomaly().
 * Grad mode is per thread (a data-loading thread can run without recording); anomaly mode is global.
 */
public final class Autograd {
  private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
  private static volatile boolean anomaly;

  private Autograd() {}

  /** A scope in which ops record nothing: {@code try (var g = Autograd.noGrad()) { ... }}. */
  public static Scope noGrad() {
    return setGradEnabled(false);
  }

  /** A scope that records again inside a no-grad one. */
  public static Scope enableGrad() {
    return setGradEnabled(true);
  }

  private static Scope setGradEnabled(boolean enabled) {
    boolean[] flag = GRAD_ENABLED.get();
    boolean previous = flag[0];
    flag[0] = enabled;
    return () -> flag[0] = previous;
  }

  public static boolean isGradEnabled() {
    return GRAD_ENABLED.get()[0];
  }

  /**
   * When on, every op checks its output (and every backward step its gradients) for NaN and infinity,
   * and nodes remember the line of user code that created them, so the first bad op is named.
   * It costs a scan per op and a stack walk per node: turn it on to debug, not to train.
   */
  public static void detectAnomaly(boolean on) {
    anomaly = on;
  }

  public static boolean isAnomalyEnabled() {
    return anomaly;
  }

  /** Restores the previous mode when closed. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
