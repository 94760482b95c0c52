package dev.backflow.web.setup;

/**
 * What one set-up may ask for. The page's controls stay inside these, but a URL can say anything, so
 * the server checks every request against them (TensorFlow Playground's limits lived only in its UI).
 * They keep one training step of any allowed network well under the page's 50 ms budget.
 */
public final class Limits {
  private Limits() {}

  public static final int MAX_HIDDEN_LAYERS = 8;
  public static final int MAX_NEURONS = 16;
  public static final int MIN_POINTS = 10;
  public static final int MAX_POINTS = 1000;
  public static final int MIN_TRAIN_PERCENT = 10;
  public static final int MAX_TRAIN_PERCENT = 90;
  public static final double MAX_NOISE = 0.5;
  public static final double MAX_LEARNING_RATE = 10;
  public static final int MAX_BATCH = 1000;
  public static final double MAX_REGULARIZATION_RATE = 1;
  public static final long MAX_SEED = Integer.MAX_VALUE;
  /** Steps per animation frame while running. */
  public static final int MAX_SPEED = 500;
}
