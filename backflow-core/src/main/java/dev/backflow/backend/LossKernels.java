package dev.backflow.backend;

/** Fused losses: softmax cross-entropy in one pass forward and one backward. Part of {@link Backend}; knows nothing of gradients. */
public interface LossKernels {

  /**
   * Mean softmax cross-entropy of logits [N, C] (contiguous) against validated class indices (entries equal
   * to ignoreIndex skipped): {loss [], probabilities [N, C]}.
   */
  NdArray[] crossEntropy(NdArray logits, int[] targets, int ignoreIndex);

  /**
   * d loss / d logits = (p - onehot) · g / (rows counted), from the saved probabilities and the loss's
   * gradient g (a one-element array, read when the kernel runs, so a replayed step uses each step's value).
   */
  NdArray crossEntropyBackward(NdArray probs, int[] targets, int ignoreIndex, NdArray g);
}
