package dev.backflow.web.engine;

/** Rounds values the page only paints, to keep the streamed JSON small; non-finite values pass through. */
public final class Rounding {
  private Rounding() {}

  public static double round(double v, int decimals) {
    if (!Double.isFinite(v)) return v;
    double scale = Math.pow(10, decimals);
    double r = Math.round(v * scale) / scale;
    return r == 0 ? 0 : r; // no "-0"
  }
}
