package dev.backflow.train;

/**
 * What one epoch produced: training and (when given) validation metrics, and its speed.
 * @param epoch the epoch's number, from 1
 * @param train the metrics of the training pass (mean loss over the epoch's batches, as they were trained)
 * @param validation the metrics on the validation set, or null if none was given
 * @param seconds the epoch's wall-clock time, evaluation included
 * @param samplesPerSecond training throughput
 * @param learningRate the first parameter group's learning rate during the epoch
 */
public record EpochResult(int epoch, Metrics train, Metrics validation, double seconds, double samplesPerSecond,
                          double learningRate) {}
