package dev.backflow.autograd;

/** Thrown in anomaly mode when an op's forward output or backward gradient holds NaN or infinity. */
public final class AnomalyException extends ArithmeticException {
  public AnomalyException(String message) {
    super(message);
  }
}
