package dev.backflow.backend;

import dev.backflow.backend.cpu.CpuBackend;

/** The process-wide backend that ops dispatch to. */
public final class Backends {
  private static volatile Backend current;

  private Backends() {}

  public static Backend current() {
    Backend b = current;
    if (b == null) {
      synchronized (Backends.class) {
        if (current == null) current = new CpuBackend();
        b = current;
      }
    }
    return b;
  }

  /** Replaces the backend for every later op (tests use this to run on the scalar twin). */
  public static void use(Backend backend) {
    current = backend;
  }
}
