package dev.backflow.backend;

/** Reductions over a set of dimensions. Sums accumulate in double. */
public enum ReduceOp {
  /** The sum (accumulated in double, rounded to float once). */
  SUM,
  /** The largest element. */
  MAX,
  /** The smallest element. */
  MIN
}
