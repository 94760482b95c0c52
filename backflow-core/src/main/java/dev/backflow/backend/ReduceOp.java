package dev.backflow.backend;

/** Reductions over a set of dimensions. Sums accumulate in double. */
public enum ReduceOp {
  SUM, MAX, MIN
}
