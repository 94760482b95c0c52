package dev.backflow.backend;

/**
 * Max-pooling output with the flat input position each output came from (for the backward pass), like the
 * {@code return_indices=True} result of {@code max_pool2d}.
 *
 * @param values the pooled values, [N, C, outH, outW]
 * @param argmax for each output element, the flat position in the input it was taken from
 */
public record PoolResult(NdArray values, int[] argmax) {}
