package dev.backflow.backend;

/** Max-pooling output with the flat input position each output came from (for the backward pass). */
public record PoolResult(NdArray values, int[] argmax) {}
