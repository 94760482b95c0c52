package dev.backflow.autograd;

/** Thrown in anomaly mode when an op's forward output or backward gradient holds NaN or infinity. */
public final class AnomalyException extends ArithmeticException {
  /**
   * An anomaly report.
   *
   * @param message which op produced the non-finite value, from what shapes, and at which line of user code
   */
  public AnomalyException(String message) {
    super(message);
  }
}
