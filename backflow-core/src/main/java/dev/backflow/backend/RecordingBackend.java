package dev.backflow.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A backend that forwards every call to another one and records it as a replayable step: each recorded
 * call keeps its arguments (the very arrays it was given) and the array it returned. Replaying runs the
 * calls again in order and writes each fresh result into the recorded one, so the next call, which holds
 * the recorded array as its input, sees the new values. This is how {@code dev.backflow.train.CapturedStep}
 * replays a whole training step without rebuilding its graph: autograd, shape checks and Tensor objects
 * ran once, at capture.
 *
 * <p>Only what goes through the backend is replayed. Java code that reads tensor values (item(), index
 * tensors turned into int[] by an op, anomaly checks) runs at capture only; {@link #allFinite} refuses
 * to be recorded for that reason.
 */
public final class RecordingBackend implements Backend {
  private final Backend inner;
  // One lambda per recorded call, each calling the kernel directly: a replay pays one virtual call per kernel.
  private final List<Runnable> calls = new ArrayList<>();

  public RecordingBackend(Backend inner) {
    this.inner = inner;
  }

  /** The recorded calls as one array, for the replay loop. */
  public Runnable[] recording() {
    return calls.toArray(new Runnable[0]);
  }

  /** A replayed call's fresh result, written into the array the recording handed out. */
  private void refresh(NdArray fresh, NdArray recorded) {
    if (fresh == recorded) return;
    if (fresh.isContiguous() && recorded.isContiguous()) {
      System.arraycopy(fresh.data(), fresh.offset(), recorded.data(), recorded.offset(), recorded.size());
    } else {
      inner.copyInto(fresh, recorded);
    }
  }

  /** As {@link #refresh} for calls returning several arrays (null entries stay null). */
  private void refreshAll(NdArray[] fresh, NdArray[] recorded) {
    for (int i = 0; i < recorded.length; i++) if (recorded[i] != null) refresh(fresh[i], recorded[i]);
  }

  @Override
  public String name() {
    return "recording(" + inner.name() + ")";
  }

  @Override
  public NdArray full(int[] shape, float value) {
    NdArray r = inner.full(shape, value);
    calls.add(() -> refresh(inner.full(shape, value), r));
    return r;
  }

  @Override
  public NdArray arange(double start, double end, double step) {
    NdArray r = inner.arange(start, end, step);
    calls.add(() -> refresh(inner.arange(start, end, step), r));
    return r;
  }

  @Override
  public NdArray eye(int n, int m) {
    NdArray r = inner.eye(n, m);
    calls.add(() -> refresh(inner.eye(n, m), r));
    return r;
  }

  // Random draws are replayed too: the generator advances at every replay, as it would run after run.
  @Override
  public NdArray randn(int[] shape, RandomGenerator rng) {
    NdArray r = inner.randn(shape, rng);
    calls.add(() -> refresh(inner.randn(shape, rng), r));
    return r;
  }

  @Override
  public NdArray rand(int[] shape, float low, float high, RandomGenerator rng) {
    NdArray r = inner.rand(shape, low, high, rng);
    calls.add(() -> refresh(inner.rand(shape, low, high, rng), r));
    return r;
  }

  @Override
  public NdArray bernoulli(int[] shape, float keep, float scale, RandomGenerator rng) {
    NdArray r = inner.bernoulli(shape, keep, scale, rng);
    calls.add(() -> refresh(inner.bernoulli(shape, keep, scale, rng), r));
    return r;
  }

  @Override
  public NdArray contiguous(NdArray x) {
    NdArray r = inner.contiguous(x);
    calls.add(() -> refresh(inner.contiguous(x), r));
    return r;
  }

  @Override
  public NdArray copy(NdArray x) {
    NdArray r = inner.copy(x);
    calls.add(() -> refresh(inner.copy(x), r));
    return r;
  }

  @Override
  public void copyInto(NdArray src, NdArray dst) {
    inner.copyInto(src, dst);
    calls.add(() -> inner.copyInto(src, dst));
  }

  @Override
  public NdArray unary(UnaryOp op, NdArray x, float p, float q) {
    NdArray r = inner.unary(op, x, p, q);
    calls.add(() -> refresh(inner.unary(op, x, p, q), r));
    return r;
  }

  @Override
  public NdArray mulUnary(NdArray g, UnaryOp op, NdArray x, float p, float q) {
    NdArray r = inner.mulUnary(g, op, x, p, q);
    calls.add(() -> refresh(inner.mulUnary(g, op, x, p, q), r));
    return r;
  }

  @Override
  public NdArray binary(BinaryOp op, NdArray a, NdArray b) {
    NdArray r = inner.binary(op, a, b);
    calls.add(() -> refresh(inner.binary(op, a, b), r));
    return r;
  }

  @Override
  public void binaryInPlace(BinaryOp op, NdArray target, NdArray b) {
    inner.binaryInPlace(op, target, b);
    calls.add(() -> inner.binaryInPlace(op, target, b));
  }

  @Override
  public NdArray where(NdArray cond, NdArray a, NdArray b) {
    NdArray r = inner.where(cond, a, b);
    calls.add(() -> refresh(inner.where(cond, a, b), r));
    return r;
  }

  @Override
  public NdArray reduce(ReduceOp op, NdArray x, boolean[] dims, boolean keepDim) {
    boolean[] d = dims.clone();
    NdArray r = inner.reduce(op, x, d, keepDim);
    calls.add(() -> refresh(inner.reduce(op, x, d, keepDim), r));
    return r;
  }

  @Override
  public NdArray argReduce(ReduceOp op, NdArray x, int dim, boolean keepDim) {
    NdArray r = inner.argReduce(op, x, dim, keepDim);
    calls.add(() -> refresh(inner.argReduce(op, x, dim, keepDim), r));
    return r;
  }

  @Override
  public boolean allFinite(NdArray x) {
    throw new IllegalStateException("a captured step cannot branch on tensor values (allFinite: anomaly "
        + "detection or a gradient scaler's overflow check); run that step eagerly instead");
  }

  @Override
  public NdArray softmax(NdArray x, int dim, boolean log) {
    NdArray r = inner.softmax(x, dim, log);
    calls.add(() -> refresh(inner.softmax(x, dim, log), r));
    return r;
  }

  @Override
  public NdArray softmaxBackward(NdArray y, NdArray gy, int dim, boolean log) {
    NdArray r = inner.softmaxBackward(y, gy, dim, log);
    calls.add(() -> refresh(inner.softmaxBackward(y, gy, dim, log), r));
    return r;
  }

  @Override
  public NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps) {
    NdArray[] r = inner.layerNorm(x, gamma, beta, eps);
    calls.add(() -> refreshAll(inner.layerNorm(x, gamma, beta, eps), r));
    return r;
  }

  @Override
  public NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma) {
    NdArray[] r = inner.layerNormBackward(gy, x, mean, rstd, gamma);
    calls.add(() -> refreshAll(inner.layerNormBackward(gy, x, mean, rstd, gamma), r));
    return r;
  }

  @Override
  public NdArray[] attention(NdArray q, NdArray k, NdArray v, float scale, boolean causal) {
    NdArray[] r = inner.attention(q, k, v, scale, causal);
    calls.add(() -> refreshAll(inner.attention(q, k, v, scale, causal), r));
    return r;
  }

  @Override
  public NdArray[] attentionBackward(NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray weights, float scale, boolean causal) {
    NdArray[] r = inner.attentionBackward(gOut, q, k, v, weights, scale, causal);
    calls.add(() -> refreshAll(inner.attentionBackward(gOut, q, k, v, weights, scale, causal), r));
    return r;
  }

  @Override
  public NdArray[] selfAttention(NdArray qkv, int heads, float scale, boolean causal) {
    NdArray[] r = inner.selfAttention(qkv, heads, scale, causal);
    calls.add(() -> refreshAll(inner.selfAttention(qkv, heads, scale, causal), r));
    return r;
  }

  @Override
  public NdArray selfAttentionBackward(NdArray gOut, NdArray qkv, NdArray weights, int heads, float scale, boolean causal) {
    NdArray r = inner.selfAttentionBackward(gOut, qkv, weights, heads, scale, causal);
    calls.add(() -> refresh(inner.selfAttentionBackward(gOut, qkv, weights, heads, scale, causal), r));
    return r;
  }

  @Override
  public NdArray[] crossEntropy(NdArray logits, int[] targets, int ignoreIndex) {
    NdArray[] r = inner.crossEntropy(logits, targets, ignoreIndex);
    calls.add(() -> refreshAll(inner.crossEntropy(logits, targets, ignoreIndex), r));
    return r;
  }

  @Override
  public NdArray crossEntropyBackward(NdArray probs, int[] targets, int ignoreIndex, float g) {
    // g is read in Java by the op; a replay would keep it, which is right only for a loss seeded with 1.
    NdArray r = inner.crossEntropyBackward(probs, targets, ignoreIndex, g);
    calls.add(() -> refresh(inner.crossEntropyBackward(probs, targets, ignoreIndex, g), r));
    return r;
  }

  @Override
  public NdArray bmm(NdArray a, NdArray b) {
    NdArray r = inner.bmm(a, b);
    calls.add(() -> refresh(inner.bmm(a, b), r));
    return r;
  }

  @Override
  public NdArray linear(NdArray x, NdArray w, NdArray bias) {
    NdArray r = inner.linear(x, w, bias);
    calls.add(() -> refresh(inner.linear(x, w, bias), r));
    return r;
  }

  @Override
  public short[] toBf16(NdArray x) {
    short[] recorded = inner.toBf16(x);
    calls.add(() -> System.arraycopy(inner.toBf16(x), 0, recorded, 0, recorded.length));
    return recorded;
  }

  @Override
  public NdArray fromBf16(short[] bits, int[] shape) {
    NdArray r = inner.fromBf16(bits, shape);
    calls.add(() -> refresh(inner.fromBf16(bits, shape), r));
    return r;
  }

  @Override
  public void adamUpdate(NdArray param, NdArray grad, NdArray expAvg, NdArray expAvgSq, float beta1, float beta2,
                         float stepSize, float bc2Sqrt, float eps, float l2, float decay) {
    // The step size and bias correction change every step: a frozen copy would silently train wrongly.
    throw new IllegalStateException("Adam's bias correction changes every step, so an Adam step cannot be "
        + "captured and replayed; capture steps that use SGD (with or without momentum) or RMSProp");
  }

  @Override
  public NdArray conv2d(NdArray x, NdArray w, NdArray bias, Conv2dSpec spec) {
    NdArray r = inner.conv2d(x, w, bias, spec);
    calls.add(() -> refresh(inner.conv2d(x, w, bias, spec), r));
    return r;
  }

  @Override
  public NdArray conv2dBackwardInput(NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec) {
    NdArray r = inner.conv2dBackwardInput(gOut, w, xShape, spec);
    calls.add(() -> refresh(inner.conv2dBackwardInput(gOut, w, xShape, spec), r));
    return r;
  }

  @Override
  public NdArray conv2dBackwardWeight(NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec) {
    NdArray r = inner.conv2dBackwardWeight(gOut, x, wShape, spec);
    calls.add(() -> refresh(inner.conv2dBackwardWeight(gOut, x, wShape, spec), r));
    return r;
  }

  @Override
  public PoolResult maxPool2d(NdArray x, Pool2dSpec spec) {
    PoolResult recorded = inner.maxPool2d(x, spec);
    NdArray values = recorded.values();
    calls.add(() -> {
      PoolResult fresh = inner.maxPool2d(x, spec);
      inner.copyInto(fresh.values(), values);
      System.arraycopy(fresh.argmax(), 0, recorded.argmax(), 0, recorded.argmax().length);
    });
    return recorded;
  }

  @Override
  public NdArray maxPool2dBackward(NdArray gOut, int[] argmax, int[] xShape) {
    NdArray r = inner.maxPool2dBackward(gOut, argmax, xShape);
    calls.add(() -> refresh(inner.maxPool2dBackward(gOut, argmax, xShape), r));
    return r;
  }

  @Override
  public NdArray avgPool2d(NdArray x, Pool2dSpec spec) {
    NdArray r = inner.avgPool2d(x, spec);
    calls.add(() -> refresh(inner.avgPool2d(x, spec), r));
    return r;
  }

  @Override
  public NdArray avgPool2dBackward(NdArray gOut, int[] xShape, Pool2dSpec spec) {
    NdArray r = inner.avgPool2dBackward(gOut, xShape, spec);
    calls.add(() -> refresh(inner.avgPool2dBackward(gOut, xShape, spec), r));
    return r;
  }

  @Override
  public NdArray gather(NdArray x, int dim, NdArray index) {
    NdArray r = inner.gather(x, dim, index);
    calls.add(() -> refresh(inner.gather(x, dim, index), r));
    return r;
  }

  @Override
  public NdArray scatterAdd(int[] shape, int dim, NdArray index, NdArray src) {
    NdArray r = inner.scatterAdd(shape, dim, index, src);
    calls.add(() -> refresh(inner.scatterAdd(shape, dim, index, src), r));
    return r;
  }

  @Override
  public NdArray indexSelect(NdArray x, int dim, int[] index) {
    NdArray r = inner.indexSelect(x, dim, index);
    calls.add(() -> refresh(inner.indexSelect(x, dim, index), r));
    return r;
  }

  @Override
  public NdArray indexAdd(int[] shape, int dim, int[] index, NdArray src) {
    NdArray r = inner.indexAdd(shape, dim, index, src);
    calls.add(() -> refresh(inner.indexAdd(shape, dim, index, src), r));
    return r;
  }
}
