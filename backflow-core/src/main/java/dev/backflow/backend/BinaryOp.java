package dev.backflow.backend;

/** Element-wise functions of two broadcast inputs; comparisons yield 1 or 0. */
public enum BinaryOp {
  ADD, SUB, MUL, DIV, MAX, MIN, POW,
  EQ, NE, GT, GE, LT, LE
}
