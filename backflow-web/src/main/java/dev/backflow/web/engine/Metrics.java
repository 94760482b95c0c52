package dev.backflow.web.engine;

/**
 * Loss (the data loss, without the regularization penalty) and accuracy on the training and test sets.
 * Accuracy is null for regression, where there are no classes to get right.
 */
public record Metrics(double trainLoss, double testLoss, Double trainAccuracy, Double testAccuracy) {}
