package dev.backflow.nn;

import dev.backflow.Backflow;
import dev.backflow.ops.Activations;
import dev.backflow.ops.Attention;
import dev.backflow.ops.Convolutions;
import dev.backflow.ops.Indexing;
import dev.backflow.ops.Linalg;
import dev.backflow.ops.Losses;
import dev.backflow.ops.Normalization;
import dev.backflow.ops.Reduction;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * The functional forms of the layers and losses, as {@code torch.nn.functional} (imported as {@code F} in
 * PyTorch scripts): one class to find {@code F.relu}, {@code F.maxPool2d}, {@code F.crossEntropy}, each
 * delegating to its op family in {@code dev.backflow.ops}. Class-index targets are tensors holding integer
 * values, as a {@code DataLoader} batch gives them; Backflow stores them as float32 (exact up to 2²⁴).
 *
 * <pre>{@code
 * Tensor h = F.maxPool2d(F.relu(conv1.forward(x)), 2);
 * Tensor loss = F.crossEntropy(logits, batch.targets());
 * }</pre>
 */
public final class F {
  private F() {}

  // ---------------------------------------------------------------------------------------------------
  // Activations

  /**
   * max(x, 0).
   *
   * @param x input
   * @return the rectified input
   */
  public static Tensor relu(Tensor x) {
    return Activations.relu(x);
  }

  /**
   * max(x, slope·x), as {@code F.leaky_relu}.
   *
   * @param x input
   * @param negativeSlope the slope below 0 (PyTorch's default is 0.01)
   * @return the output
   */
  public static Tensor leakyRelu(Tensor x, float negativeSlope) {
    return Activations.leakyRelu(x, negativeSlope);
  }

  /**
   * 1 / (1 + e^-x).
   *
   * @param x input
   * @return values in (0, 1)
   */
  public static Tensor sigmoid(Tensor x) {
    return Activations.sigmoid(x);
  }

  /**
   * The hyperbolic tangent.
   *
   * @param x input
   * @return values in (-1, 1)
   */
  public static Tensor tanh(Tensor x) {
    return Activations.tanh(x);
  }

  /**
   * The exact GELU, x·Φ(x).
   *
   * @param x input
   * @return the output
   */
  public static Tensor gelu(Tensor x) {
    return Activations.gelu(x, false);
  }

  /**
   * log(1 + e^x), with PyTorch's defaults (beta 1, threshold 20).
   *
   * @param x input
   * @return the output
   */
  public static Tensor softplus(Tensor x) {
    return Activations.softplus(x, 1f, 20f);
  }

  /**
   * Softmax along a dim (fused and stable).
   *
   * @param x input
   * @param dim the dim whose entries sum to 1 (negative counts from the end)
   * @return probabilities
   */
  public static Tensor softmax(Tensor x, int dim) {
    return Activations.softmax(x, dim);
  }

  /**
   * log(softmax(x)) along a dim, computed stably.
   *
   * @param x input
   * @param dim the dim to normalize
   * @return log-probabilities
   */
  public static Tensor logSoftmax(Tensor x, int dim) {
    return Activations.logSoftmax(x, dim);
  }

  // ---------------------------------------------------------------------------------------------------
  // Layers

  /**
   * y = x Wᵀ + b.
   *
   * @param x input [..., in]
   * @param weight [out, in]
   * @param bias [out], or null
   * @return [..., out]
   */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    return Linalg.linear(x, weight, bias);
  }

  /**
   * 2-D convolution with stride 1 and no padding.
   *
   * @param x input [N, C, H, W]
   * @param weight [out, C/groups, kH, kW]
   * @param bias [out], or null
   * @return [N, out, H', W']
   */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
    return Convolutions.conv2d(x, weight, bias);
  }

  /**
   * 2-D convolution.
   *
   * @param x input [N, C, H, W]
   * @param weight [out, C/groups, kH, kW]
   * @param bias [out], or null
   * @param stride the step between windows
   * @param padding zeros on each side
   * @return [N, out, H', W']
   */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    return Convolutions.conv2d(x, weight, bias, stride, padding, 1, 1);
  }

  /**
   * 2-D convolution with every option.
   *
   * @param x input [N, C, H, W]
   * @param weight [out, C/groups, kH, kW]
   * @param bias [out], or null
   * @param stride the step between windows
   * @param padding zeros on each side
   * @param dilation the spacing of kernel taps
   * @param groups channel groups
   * @return [N, out, H', W']
   */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
    return Convolutions.conv2d(x, weight, bias, stride, padding, dilation, groups);
  }

  /**
   * Max over k×k windows with stride k.
   *
   * @param x input [N, C, H, W]
   * @param kernel the window size
   * @return [N, C, H/k, W/k]
   */
  public static Tensor maxPool2d(Tensor x, int kernel) {
    return Convolutions.maxPool2d(x, kernel);
  }

  /**
   * Max over k×k windows.
   *
   * @param x input [N, C, H, W]
   * @param kernel the window size
   * @param stride the step between windows
   * @param padding implicit -∞ on each side
   * @return the pooled tensor
   */
  public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
    return Convolutions.maxPool2d(x, kernel, stride, padding, 1);
  }

  /**
   * Mean over k×k windows with stride k.
   *
   * @param x input [N, C, H, W]
   * @param kernel the window size
   * @return the pooled tensor
   */
  public static Tensor avgPool2d(Tensor x, int kernel) {
    return Convolutions.avgPool2d(x, kernel);
  }

  /**
   * Inverted dropout with masks from the default generator ({@link Backflow#manualSeed}).
   *
   * @param x input
   * @param p the probability of zeroing an element
   * @param training false returns {@code x} unchanged, as {@code F.dropout(x, p, training=False)}
   * @return the masked, rescaled input
   */
  public static Tensor dropout(Tensor x, float p, boolean training) {
    return dev.backflow.ops.Dropout.dropout(x, p, training, Backflow.generator());
  }

  /**
   * Inverted dropout with masks from {@code rng}.
   *
   * @param x input
   * @param p the probability of zeroing an element
   * @param training false returns {@code x} unchanged
   * @param rng the generator of the mask
   * @return the masked, rescaled input
   */
  public static Tensor dropout(Tensor x, float p, boolean training, RandomGenerator rng) {
    return dev.backflow.ops.Dropout.dropout(x, p, training, rng);
  }

  /**
   * Layer normalization over the last dim.
   *
   * @param x input [..., d]
   * @param weight [d], or null
   * @param bias [d], or null
   * @param eps added to the variance (PyTorch's default is 1e-5)
   * @return the normalized input
   */
  public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
    return Normalization.layerNorm(x, weight, bias, eps);
  }

  /**
   * Rows of {@code weight} picked by integer-valued indices.
   *
   * @param indices any shape, integer values
   * @param weight the table [count, dim]
   * @return [indices..., dim]
   */
  public static Tensor embedding(Tensor indices, Tensor weight) {
    return Indexing.embedding(weight, indices);
  }

  /**
   * softmax(q kᵀ / √d) v, fused.
   *
   * @param q queries [..., T, d]
   * @param k keys [..., S, d]
   * @param v values [..., S, dv]
   * @param causal whether position t may only attend to positions ≤ t
   * @return [..., T, dv]
   */
  public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, boolean causal) {
    return Attention.scaledDotProductAttention(q, k, v, causal);
  }

  // ---------------------------------------------------------------------------------------------------
  // Losses

  /**
   * Cross-entropy of logits against class indices, averaged.
   *
   * @param logits [N, C] (or [N, C, d1, ...])
   * @param targets [N] (or [N, d1, ...]) of integer values in [0, C)
   * @return the mean loss, a scalar
   */
  public static Tensor crossEntropy(Tensor logits, Tensor targets) {
    return Losses.crossEntropy(logits, targets);
  }

  /**
   * Cross-entropy with a reduction, e.g. {@code Reduction.SUM} to add up a test set's loss.
   *
   * @param logits [N, C] (or [N, C, d1, ...])
   * @param targets integer values in [0, C)
   * @param reduction MEAN, SUM or NONE (per example)
   * @return the reduced loss
   */
  public static Tensor crossEntropy(Tensor logits, Tensor targets, Reduction reduction) {
    return crossEntropy(logits, targets, Losses.NO_IGNORE, 0f, reduction);
  }

  /**
   * Cross-entropy with every option of {@code F.cross_entropy}.
   *
   * @param logits [N, C] (or [N, C, d1, ...])
   * @param targets integer values in [0, C), or {@code ignoreIndex}
   * @param ignoreIndex a target value that counts for nothing ({@link Losses#NO_IGNORE}, -100, by default)
   * @param labelSmoothing ε in [0, 1]: the target is (1-ε) one-hot + ε uniform
   * @param reduction MEAN (over targets not ignored), SUM or NONE
   * @return the reduced loss
   */
  public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, float labelSmoothing, Reduction reduction) {
    return Losses.crossEntropy(logits, Indexing.toIndices("crossEntropy", targets), ignoreIndex, labelSmoothing, reduction);
  }

  /**
   * Negative log-likelihood of log-probabilities against class indices, averaged.
   *
   * @param logProbs [N, C]
   * @param targets integer values in [0, C)
   * @return the mean loss
   */
  public static Tensor nllLoss(Tensor logProbs, Tensor targets) {
    return Losses.nllLoss(logProbs, Indexing.toIndices("nllLoss", targets));
  }

  /**
   * Mean squared error.
   *
   * @param input predictions
   * @param target values of the same shape
   * @return mean((input - target)²)
   */
  public static Tensor mseLoss(Tensor input, Tensor target) {
    return Losses.mseLoss(input, target);
  }

  /**
   * Squared error with a reduction.
   *
   * @param input predictions
   * @param target values of the same shape
   * @param reduction MEAN, SUM or NONE
   * @return the reduced loss
   */
  public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
    return Losses.mseLoss(input, target, reduction);
  }

  /**
   * Binary cross-entropy of probabilities.
   *
   * @param p probabilities in [0, 1]
   * @param target values in [0, 1] of the same shape
   * @return the mean loss
   */
  public static Tensor binaryCrossEntropy(Tensor p, Tensor target) {
    return Losses.binaryCrossEntropy(p, target);
  }

  /**
   * Binary cross-entropy of logits, fused for stability.
   *
   * @param logits any values
   * @param target values in [0, 1] of the same shape
   * @return the mean loss
   */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
    return Losses.binaryCrossEntropyWithLogits(logits, target);
  }
}
