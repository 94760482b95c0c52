package dev.backflow.backend;

/** Fused losses: softmax cross-entropy in one pass forward and one backward. Part of {@link Backend}; knows nothing of gradients. */
public interface LossKernels {

  /**
   * Mean softmax cross-entropy of logits against class indices, like {@code F.cross_entropy(logits, targets,
   * ignore_index=ignoreIndex)}, in one pass that also keeps the probabilities for the backward pass.
   *
   * @param logits [N, C], contiguous
   * @param targets N class indices, already checked to be in [0, C) or equal to {@code ignoreIndex}
   * @param ignoreIndex a target value whose rows are skipped (neither summed nor counted)
   * @return {loss [], probabilities [N, C]}
   */
  NdArray[] crossEntropy(NdArray logits, int[] targets, int ignoreIndex);

  /**
   * d loss / d logits = (p - onehot) · g / (rows counted), from the saved probabilities and the loss's gradient g (a
   * one-element array, read when the kernel runs, so a replayed step uses each step's value).
   *
   * @param probs the probabilities {@link #crossEntropy} returned, [N, C]
   * @param targets the same targets
   * @param ignoreIndex the same ignored value
   * @param g the gradient of the final loss with respect to this loss, one element
   * @return a new [N, C] array
   */
  NdArray crossEntropyBackward(NdArray probs, int[] targets, int ignoreIndex, NdArray g);
}
