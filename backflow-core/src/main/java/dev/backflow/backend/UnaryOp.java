package dev.backflow.backend;

/**
 * Element-wise functions of one input, with up to two float parameters {@code p, q}.
 * The {@code D_*} entries are local derivatives that backward rules need and cannot build cheaply from
 * other primitives.
 */
public enum UnaryOp {
  /** -x. */
  NEG,
  /** e^x. */
  EXP,
  /** Natural logarithm. */
  LOG,
  /** Square root. */
  SQRT,
  /** |x|. */
  ABS,
  /** -1, 0 or 1 by the sign of x (0 for 0, NaN for NaN). */
  SIGN,
  /** x * x. */
  SQUARE,
  /** 1 / x. */
  RECIPROCAL,
  /** 1 / (1 + e^-x). */
  SIGMOID,
  /** Hyperbolic tangent. */
  TANH,
  /** max(x, 0). */
  RELU,
  /** p = negative slope. */
  LEAKY_RELU,
  /** GELU with the tanh approximation, 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))). */
  GELU_TANH,
  /** Exact GELU, x Φ(x), with Φ the standard normal CDF (via erf). */
  GELU_ERF,
  /** p = beta, q = threshold (PyTorch's softplus: linear above threshold). */
  SOFTPLUS,
  /** x^p. */
  POW,
  /** clamp to [p, q]. */
  CLAMP,
  /** 1 where p &lt;= x &lt;= q, else 0: the gradient mask of clamp. */
  D_CLAMP,
  /** 1 where x &gt; 0, else p: the derivative of (leaky) ReLU. */
  D_LEAKY_RELU,
  /** Derivative of {@link #GELU_TANH}. */
  D_GELU_TANH,
  /** Derivative of {@link #GELU_ERF}. */
  D_GELU_ERF,
  /** derivative of softplus(beta=p, threshold=q). */
  D_SOFTPLUS,
  /** y (1 - y): the derivative of the sigmoid written in its output y (the backward pass keeps y, not x). */
  D_SIGMOID_OF_OUTPUT,
  /** 1 - y²: the derivative of tanh written in its output y. */
  D_TANH_OF_OUTPUT,
  /** 1 for non-integral values, NaN or infinity, else 0; used to validate index tensors. */
  NOT_INTEGRAL,
  /** 1 where x is NaN or infinite. */
  NOT_FINITE,
  /** a*x + p scaled: x * p + q (affine, used for scalar arithmetic). */
  AFFINE
}
