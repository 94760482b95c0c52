package dev.backflow.ops;

import dev.backflow.autograd.Autograd;
import dev.backflow.autograd.Graph;
import static dev.backflow.backend.UnaryOp.SIGMOID;

import dev.backflow.backend.Backends;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Loss functions, named and defined as in torch.nn.functional. */
public final class Losses {
  /** PyTorch's default ignore_index. */
  public static final int NO_IGNORE = -100;

  private Losses() {}

  private static Tensor reduce(Tensor perElement, Reduction reduction) {
    switch (reduction) {
      case MEAN: return perElement.mean();
      case SUM: return perElement.sum();
      default: return perElement;
    }
  }

  private static void sameShape(String op, Tensor input, Tensor target) {
    if (!Arrays.equals(input.shape(), target.shape())) {
      throw new IllegalArgumentException(op + ": input shape " + Arrays.toString(input.shape())
          + " and target shape " + Arrays.toString(target.shape()) + " differ");
    }
  }

  /**
   * Mean squared error: mean((input - target)^2).
   * Like {@code torch.nn.functional.mse_loss(input, target)}.
   *
   * @param input predictions of any shape
   * @param target the values to match, of the same shape
   * @return the mean as a scalar tensor
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Tensor mseLoss(Tensor input, Tensor target) {
    return mseLoss(input, target, Reduction.MEAN);
  }

  /**
   * Squared error {@code (input - target)^2} combined as asked; like
   * {@code torch.nn.functional.mse_loss(input, target, reduction=...)}. Shapes must match exactly (no broadcasting,
   * which would silently compare the wrong pairs).
   *
   * @param input predictions of any shape
   * @param target the values to match, of the same shape
   * @param reduction mean, sum, or none
   * @return a scalar tensor, or for {@link Reduction#NONE} a tensor of {@code input}'s shape
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
    sameShape("mseLoss", input, target);
    Tensor d = input.sub(target);
    return reduce(d.mul(d), reduction);
  }

  /**
   * -[t log p + (1-t) log(1-p)], logs clamped at -100 as PyTorch does; p must lie in [0, 1].
   * Like {@code torch.nn.functional.binary_cross_entropy(p, target)}.
   *
   * @param p predicted probabilities of any shape, each in [0, 1]
   * @param target target probabilities (usually 0 or 1), of the same shape
   * @return the mean as a scalar tensor
   * @throws IllegalArgumentException if the shapes differ or a value of {@code p} is outside [0, 1] or not finite
   */
  public static Tensor binaryCrossEntropy(Tensor p, Tensor target) {
    return binaryCrossEntropy(p, target, Reduction.MEAN);
  }

  /**
   * Binary cross-entropy {@code -[t log p + (1-t) log(1-p)]} on probabilities, combined as asked; like
   * {@code torch.nn.functional.binary_cross_entropy(p, target, reduction=...)}. Logs are clamped at -100 and the
   * gradient follows PyTorch's rule, so both stay finite at {@code p = 0} or 1. Prefer
   * {@link #binaryCrossEntropyWithLogits} on raw scores: it is more stable.
   *
   * @param p predicted probabilities of any shape, each in [0, 1]
   * @param target target probabilities (usually 0 or 1), of the same shape
   * @param reduction mean, sum, or none
   * @return a scalar tensor, or for {@link Reduction#NONE} a tensor of {@code p}'s shape
   * @throws IllegalArgumentException if the shapes differ or a value of {@code p} is outside [0, 1] or not finite
   */
  public static Tensor binaryCrossEntropy(Tensor p, Tensor target, Reduction reduction) {
    sameShape("binaryCrossEntropy", p, target);
    Tensor outside = p.detach().lt(0f).add(p.detach().gt(1f)).sum();
    if (outside.item() > 0 || !p.isFinite()) {
      throw new IllegalArgumentException("binaryCrossEntropy: every input must be a probability in [0, 1]; "
          + (int) outside.item() + " are not (apply sigmoid first, or use binaryCrossEntropyWithLogits)");
    }
    Tensor pv = p.detach(), t = target.detach();
    Tensor logP = pv.log().clamp(-100f, Float.MAX_VALUE);
    Tensor log1mP = pv.rsub(1f).log().clamp(-100f, Float.MAX_VALUE);
    Tensor value = t.mul(logP).add(t.rsub(1f).mul(log1mP)).neg();
    // PyTorch's rule, finite even at p = 0 or 1: dL/dp = (p - t) / max(p(1 - p), 1e-12); dL/dt = log(1-p) - log(p).
    Tensor perElement = Graph.record("binaryCrossEntropy", Graph.array(value), (g, n) -> {
      // Under createGraph the rule is written in the live p and target, so that it is differentiable in them.
      boolean live = Autograd.isGradEnabled();
      Tensor pp = live ? p : pv, tt = live ? target : t;
      return new Tensor[] {
          n[0] ? g.mul(pp.sub(tt).div(pp.mul(pp.rsub(1f)).maximum(Tensor.scalar(1e-12f)))) : null,
          n[1] ? g.mul(live ? pp.rsub(1f).log().clamp(-100f, Float.MAX_VALUE).sub(pp.log().clamp(-100f, Float.MAX_VALUE))
              : log1mP.sub(logP)) : null};
    }, p, target);
    return reduce(perElement, reduction);
  }

  /**
   * BCE on logits, fused for stability: max(x,0) - x t + log(1 + e^-|x|), with gradient σ(x) - t
   * (exact at x = 0, where the composite's kinks would give the wrong one-sided value).
   * Like {@code torch.nn.functional.binary_cross_entropy_with_logits(logits, target)}.
   *
   * @param logits raw scores of any shape (before a sigmoid)
   * @param target target probabilities (usually 0 or 1), of the same shape
   * @return the mean as a scalar tensor
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
    return binaryCrossEntropyWithLogits(logits, target, Reduction.MEAN);
  }

  /**
   * Binary cross-entropy on raw scores, with the sigmoid fused in for stability, combined as asked; like
   * {@code torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction=...)}.
   *
   * @param logits raw scores of any shape (before a sigmoid)
   * @param target target probabilities (usually 0 or 1), of the same shape
   * @param reduction mean, sum, or none
   * @return a scalar tensor, or for {@link Reduction#NONE} a tensor of {@code logits}' shape
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction) {
    sameShape("binaryCrossEntropyWithLogits", logits, target);
    Tensor x = logits.detach(), t = target.detach();
    Tensor value = x.relu().sub(x.mul(t)).add(x.abs().neg().softplus());
    Tensor perElement = Graph.record("binaryCrossEntropyWithLogits", Graph.array(value), (g, n) -> {
      if (Autograd.isGradEnabled()) {
        return new Tensor[] {n[0] ? g.mul(logits.sigmoid().sub(target)) : null, n[1] ? g.mul(logits).neg() : null};
      }
      return new Tensor[] {
          n[0] ? g.mul(Graph.constant(Backends.current().elementwise().unary(SIGMOID, Graph.array(x), 0, 0)).sub(t)) : null,
          n[1] ? g.mul(x).neg() : null};
    }, logits, target);
    return reduce(perElement, reduction);
  }

  /**
   * Cross-entropy of logits [N, C] (or [N, C, d1, ...]) against class indices.
   * The mean over all targets, with no ignored class and no label smoothing; like
   * {@code torch.nn.functional.cross_entropy(logits, targets)}. The softmax is built in: pass raw scores.
   *
   * @param logits raw class scores {@code [N, C]} or {@code [N, C, d1, ...]}
   * @param targets the class index of each prediction, in {@code [0, C)}: {@code N} of them, or
   *     {@code N·d1·...} in row-major order for the higher-rank form
   * @return the mean loss as a scalar tensor
   * @throws IllegalArgumentException if {@code logits} has fewer than 2 dimensions, the number of targets is wrong,
   *     or a target is out of range
   */
  public static Tensor crossEntropy(Tensor logits, int[] targets) {
    return crossEntropy(logits, targets, NO_IGNORE, 0f, Reduction.MEAN);
  }

  /**
   * Cross-entropy against class indices held in a tensor (int64, or float holding whole numbers), averaged over all
   * targets; like {@code torch.nn.functional.cross_entropy(logits, targets)}.
   *
   * @param logits raw class scores {@code [N, C]} or {@code [N, C, d1, ...]}
   * @param targets class indices {@code [N]} (or {@code [N, d1, ...]}), each in {@code [0, C)}
   * @return the mean loss as a scalar tensor
   * @throws IllegalArgumentException if {@code logits} has fewer than 2 dimensions, the number of targets is wrong, or
   *     a target is out of range or not an integer
   */
  public static Tensor crossEntropy(Tensor logits, Tensor targets) {
    return crossEntropy(logits, Indexing.toIndices("crossEntropy", targets), NO_IGNORE, 0f, Reduction.MEAN);
  }

  /**
   * With label smoothing ε the target distribution is (1-ε) one-hot + ε uniform, so the loss per row is
   * (1-ε) nll + ε mean_c(-log p_c); rows whose target is {@code ignoreIndex} count for nothing, and the mean
   * is over the rest, as in PyTorch.
   * Like {@code torch.nn.functional.cross_entropy(logits, targets, ignore_index=..., label_smoothing=...,
   * reduction=...)}.
   *
   * @param logits raw class scores {@code [N, C]} or {@code [N, C, d1, ...]}
   * @param targets the class index of each prediction: {@code N} of them, or {@code N·d1·...} in row-major order
   *     for the higher-rank form; each in {@code [0, C)} or equal to {@code ignoreIndex}
   * @param ignoreIndex a target value whose predictions are left out ({@link #NO_IGNORE} for none)
   * @param labelSmoothing ε in [0, 1]; 0 for plain one-hot targets
   * @param reduction mean (over the predictions not ignored), sum, or none
   * @return a scalar tensor, or for {@link Reduction#NONE} one loss per prediction, {@code [N]} (or
   *     {@code [N, d1, ...]}), 0 where ignored
   * @throws IllegalArgumentException if {@code labelSmoothing} is outside [0, 1], {@code logits} has fewer than 2
   *     dimensions, the number of targets is wrong, or a target is out of range
   */
  public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float labelSmoothing,
                                    Reduction reduction) {
    if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
      throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got " + labelSmoothing);
    }
    if (logits.dim() < 2) {
      throw new IllegalArgumentException("crossEntropy: logits must be [N, C] (or [N, C, d1, ...]), got shape "
          + Arrays.toString(logits.shape()));
    }
    if (logits.dim() == 2 && labelSmoothing == 0f && reduction == Reduction.MEAN) return fusedMean(logits, targets, ignoreIndex);
    Tensor logP = rowsOfClasses(logits.logSoftmax(1));
    return negativeLogLikelihood("crossEntropy", logP, targets, ignoreIndex, labelSmoothing, reduction, logits.shape());
  }

  // loss = mean_i (log Σ_c e^{x_ic} - x_{i,t_i});  d loss/dx = (softmax(x) - onehot(t)) / n, one kernel each way
  private static Tensor fusedMean(Tensor logits, int[] targets, int ignoreIndex) {
    int rows = logits.shape(0), classes = logits.shape(1);
    if (targets.length != rows) {
      throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for input of shape "
          + Arrays.toString(logits.shape()) + " (expected " + rows + ")");
    }
    for (int i = 0; i < rows; i++) {
      int t = targets[i];
      if (t != ignoreIndex && (t < 0 || t >= classes)) {
        throw new IllegalArgumentException("crossEntropy: target " + t + " at position " + i + " is out of range for "
            + classes + " classes (expected 0 to " + (classes - 1) + ")");
      }
    }
    int[] t = targets.clone();
    dev.backflow.backend.NdArray[] r = dev.backflow.backend.Backends.current().losses().crossEntropy(Graph.array(logits), t, ignoreIndex);
    dev.backflow.backend.NdArray probs = r[1];
    return Graph.record("crossEntropy", r[0], (g, need) -> {
      if (!Autograd.isGradEnabled()) {
        return new Tensor[] {Graph.constant(dev.backflow.backend.Backends.current().losses().crossEntropyBackward(probs, t, ignoreIndex, Graph.array(g)))};
      }
      // createGraph: the same (softmax(x) - onehot(t)) g / n in tensor ops, differentiable in x and g
      float[] onehot = new float[rows * classes], keep = new float[rows];
      int counted = 0;
      for (int i = 0; i < rows; i++) {
        if (t[i] == ignoreIndex) continue;
        onehot[i * classes + t[i]] = 1f;
        keep[i] = 1f;
        counted++;
      }
      return new Tensor[] {logits.softmax(1).sub(Tensor.of(onehot, rows, classes)).mul(Tensor.of(keep, rows, 1))
          .mul(g.div((float) counted))};
    }, logits);
  }

  /**
   * Negative log-likelihood of log-probabilities [N, C] against class indices.
   * Like {@code torch.nn.functional.nll_loss(logProbs, targets)}; with {@link Activations#logSoftmax} before it, the
   * same as {@link #crossEntropy(Tensor, int[])}.
   *
   * @param logProbs log-probabilities {@code [N, C]} or {@code [N, C, d1, ...]}
   * @param targets the class index of each prediction, in {@code [0, C)}
   * @return the mean of {@code -logProbs[i, targets[i]]} as a scalar tensor
   * @throws IllegalArgumentException if {@code logProbs} has fewer than 2 dimensions, the number of targets is wrong,
   *     or a target is out of range
   */
  public static Tensor nllLoss(Tensor logProbs, int[] targets) {
    return nllLoss(logProbs, targets, NO_IGNORE, Reduction.MEAN);
  }

  /**
   * Negative log-likelihood {@code -logProbs[i, targets[i]]} combined as asked; like
   * {@code torch.nn.functional.nll_loss(logProbs, targets, ignore_index=..., reduction=...)}.
   *
   * @param logProbs log-probabilities {@code [N, C]} or {@code [N, C, d1, ...]}
   * @param targets the class index of each prediction: {@code N} of them, or {@code N·d1·...} in row-major order;
   *     each in {@code [0, C)} or equal to {@code ignoreIndex}
   * @param ignoreIndex a target value whose predictions are left out ({@link #NO_IGNORE} for none)
   * @param reduction mean (over the predictions not ignored), sum, or none
   * @return a scalar tensor, or for {@link Reduction#NONE} one loss per prediction, 0 where ignored
   * @throws IllegalArgumentException if {@code logProbs} has fewer than 2 dimensions, the number of targets is wrong,
   *     or a target is out of range
   */
  public static Tensor nllLoss(Tensor logProbs, int[] targets, int ignoreIndex, Reduction reduction) {
    if (logProbs.dim() < 2) {
      throw new IllegalArgumentException("nllLoss: input must be [N, C] (or [N, C, d1, ...]), got shape "
          + Arrays.toString(logProbs.shape()));
    }
    return negativeLogLikelihood("nllLoss", rowsOfClasses(logProbs), targets, ignoreIndex, 0f, reduction,
        logProbs.shape());
  }

  /** [N, C, d1, ...] -> [N*d1*..., C], so that every row is one prediction. */
  private static Tensor rowsOfClasses(Tensor x) {
    if (x.dim() == 2) return x;
    int rank = x.dim();
    int[] perm = new int[rank];
    perm[0] = 0;
    for (int d = 2; d < rank; d++) perm[d - 1] = d;
    perm[rank - 1] = 1;
    return x.permute(perm).reshape(-1, x.shape(1));
  }

  private static Tensor negativeLogLikelihood(String op, Tensor logP, int[] targets, int ignoreIndex, float eps,
                                              Reduction reduction, int[] inputShape) {
    int rows = logP.shape(0), classes = logP.shape(1);
    if (targets.length != rows) {
      throw new IllegalArgumentException(op + ": " + targets.length + " targets for input of shape "
          + Arrays.toString(inputShape) + " (expected " + rows + ")");
    }
    long[] index = new long[rows];
    float[] keep = new float[rows];
    for (int i = 0; i < rows; i++) {
      int t = targets[i];
      if (t == ignoreIndex) continue;
      if (t < 0 || t >= classes) {
        throw new IllegalArgumentException(op + ": target " + t + " at position " + i + " is out of range for "
            + classes + " classes (expected 0 to " + (classes - 1) + ")");
      }
      index[i] = t;
      keep[i] = 1f;
    }
    Tensor mask = Tensor.of(keep, rows);
    Tensor nll = logP.gather(1, Tensor.ofLongs(index, rows, 1)).reshape(rows).neg();
    Tensor perRow = eps == 0f ? nll : nll.mul(1f - eps).add(logP.mean(1).neg().mul(eps));
    perRow = perRow.mul(mask);
    switch (reduction) {
      case MEAN: return perRow.sum().div(mask.sum());
      case SUM: return perRow.sum();
      default: return inputShape.length == 2 ? perRow : perRow.reshape(spatialShape(inputShape));
    }
  }

  private static int[] spatialShape(int[] inputShape) {
    int[] s = new int[inputShape.length - 1];
    s[0] = inputShape[0];
    System.arraycopy(inputShape, 2, s, 1, inputShape.length - 2);
    return s;
  }
}
