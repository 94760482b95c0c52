package dev.backflow.train;

/** What one epoch produced: training and (when given) validation metrics, and its speed. */
public record EpochResult(int epoch, Metrics train, Metrics validation, double seconds, double samplesPerSecond,
                          double learningRate) {}
