package dev.backflow.backend;

/** Element-wise maps and binary ops with NumPy broadcasting, and fused activation backward passes. Part of {@link Backend}; knows nothing of gradients. */
public interface ElementwiseKernels {

  /**
   * {@code op} applied to every element of {@code x}.
   *
   * @param op the function
   * @param x the input, any shape and strides
   * @param p the op's first parameter (see {@link UnaryOp}; ignored by ops without one)
   * @param q the op's second parameter
   * @return a new contiguous array of x's shape
   */
  NdArray unary(UnaryOp op, NdArray x, float p, float q);

  /**
   * g · op(x) for same-shaped g and x: an activation's backward pass (op its local derivative, D_GELU_ERF,
   * D_LEAKY_RELU...) in one sweep instead of a derivative array and a product.
   *
   * @param g the output gradient
   * @param op the local derivative
   * @param x the activation's input, of g's shape
   * @param p the op's first parameter
   * @param q the op's second parameter
   * @return a new contiguous array of x's shape
   */
  default NdArray mulUnary(NdArray g, UnaryOp op, NdArray x, float p, float q) {
    return binary(BinaryOp.MUL, g, unary(op, x, p, q));
  }

  /**
   * a op b with NumPy broadcasting.
   *
   * @param op the function
   * @param a the left operand
   * @param b the right operand; its shape broadcasts with a's
   * @return a new contiguous array of the broadcast shape
   */
  NdArray binary(BinaryOp op, NdArray a, NdArray b);

  /**
   * target = target op b, in place, with b broadcast to target's shape.
   *
   * @param op the function
   * @param target the array to update; it must not overlap itself (no stride-0 dims)
   * @param b the right operand, broadcastable to target's shape
   */
  void binaryInPlace(BinaryOp op, NdArray target, NdArray b);

  /**
   * target = target + alpha · b, in place, with b broadcast to target's shape (BLAS's axpy; an optimizer's update
   * {@code p -= lr · g} in one pass, with the same bits as {@code p - (g · lr)}, since {@code g · (-lr)} is
   * exactly {@code -(g · lr)}). The default makes {@code alpha · b} first; backends override it with one pass.
   *
   * @param target the array to update; it must not overlap itself (no stride-0 dims)
   * @param b the array to add, broadcastable to target's shape
   * @param alpha the factor on b
   */
  default void addScaledInPlace(NdArray target, NdArray b, float alpha) {
    binaryInPlace(BinaryOp.ADD, target, binary(BinaryOp.MUL, b, NdArray.wrap(new float[] {alpha})));
  }

  /**
   * cond != 0 ? a : b, broadcasting all three.
   *
   * @param cond the mask
   * @param a the values where the mask is non-zero
   * @param b the values where it is zero
   * @return a new contiguous array of the broadcast shape
   */
  NdArray where(NdArray cond, NdArray a, NdArray b);
}
