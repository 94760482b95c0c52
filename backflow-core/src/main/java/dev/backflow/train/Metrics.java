package dev.backflow.train;

/**
 * Mean loss and accuracy over a pass (accuracy is NaN for regression).
 * @param loss the mean loss per sample
 * @param accuracy the fraction of samples classified correctly, in [0, 1]; NaN for regression
 * @param samples the number of samples the means are over
 */
public record Metrics(double loss, double accuracy, long samples) {}
