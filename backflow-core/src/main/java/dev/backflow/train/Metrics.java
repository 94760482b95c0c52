package dev.backflow.train;

/** Mean loss and accuracy over a pass (accuracy is NaN for regression). */
public record Metrics(double loss, double accuracy, long samples) {}
