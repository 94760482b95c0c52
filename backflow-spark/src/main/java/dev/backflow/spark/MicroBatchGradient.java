package dev.backflow.spark;

import java.io.Serializable;

/**
 * What one worker sends back for one step: the gradient of its micro-batch's loss (scaled by 1/k) for every
 * parameter, concatenated in {@code Module.parameters()} order ({@code hasGradient[j]} false where backward did
 * not reach parameter j), the unscaled loss, the correct predictions, and where its time went.
 */
record MicroBatchGradient(int partition, float[] gradient, boolean[] hasGradient, float loss, long correct, int examples,
    long fetchNanos, long computeNanos) implements Serializable {}
