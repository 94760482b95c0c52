package dev.backflow.backend;

/** Element-wise functions of two broadcast inputs; comparisons yield 1 or 0. */
public enum BinaryOp {
  /** a + b. */
  ADD,
  /** a - b. */
  SUB,
  /** a * b. */
  MUL,
  /** a / b (IEEE: infinite or NaN where b is 0). */
  DIV,
  /** The larger of a and b (NaN if either is NaN, as torch.maximum). */
  MAX,
  /** The smaller of a and b (NaN if either is NaN, as torch.minimum). */
  MIN,
  /** a raised to the power b. */
  POW,
  /** 1 where a == b, else 0. */
  EQ,
  /** 1 where a != b, else 0. */
  NE,
  /** 1 where a &gt; b, else 0. */
  GT,
  /** 1 where a &gt;= b, else 0. */
  GE,
  /** 1 where a &lt; b, else 0. */
  LT,
  /** 1 where a &lt;= b, else 0. */
  LE,
  /**
   * 0 where b &lt;= 0, else a: ReLU's backward pass (a = output gradient, b = input) in one pass, with
   * PyTorch's threshold_backward rule (a NaN input passes its gradient through).
   */
  GATE
}
