package dev.backflow.backend;

/** Element-wise functions of two broadcast inputs; comparisons yield 1 or 0. */
public enum BinaryOp {
  ADD, SUB, MUL, DIV, MAX, MIN, POW,
  EQ, NE, GT, GE, LT, LE,
  /**
   * 0 where b <= 0, else a: ReLU's backward pass (a = output gradient, b = input) in one pass, with
   * PyTorch's threshold_backward rule (a NaN input passes its gradient through).
   */
  GATE
}
