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
  /** One recorded call. */
  @FunctionalInterface
  private interface Call {
    void replay();
  }

  private final Backend inner;
  private final List<Call> calls = new ArrayList<>();

  public RecordingBackend(Backend inner) {
    this.inner = inner;
  }

  /** The recorded calls as one array, for the replay loop. */
  public Runnable[] recording() {
    Runnable[] out = new Runnable[calls.size()];
    for (int i = 0; i < out.length; i++) out[i] = calls.get(i)::replay;
    return out;
  }

  public int size() {
    return calls.size();
  }

  public Backend inner() {
    return inner;
  }

  /** Records a call whose result is a fresh array: on replay the new values land in {@code recorded}. */
  private NdArray produced(NdArray recorded, java.util.function.Supplier<NdArray> again) {
    calls.add(() -> {
      NdArray fresh = again.get();
      if (fresh == recorded) return;
      if (fresh.isContiguous() && recorded.isContiguous()) {
        System.arraycopy(fresh.data(), fresh.offset(), recorded.data(), recorded.offset(), recorded.size());
      } else {
        inner.copyInto(fresh, recorded);
      }
    });
    return recorded;
  }

  @Override
  public String name() {
    return "recording(" + inner.name() + ")";
  }

  @Override
  public NdArray full(int[] shape, float value) {
    return produced(inner.full(shape, value), () -> inner.full(shape, value));
  }

  @Override
  public NdArray arange(double start, double end, double step) {
    return produced(inner.arange(start, end, step), () -> inner.arange(start, end, step));
  }

  @Override
  public NdArray eye(int n, int m) {
    return produced(inner.eye(n, m), () -> inner.eye(n, m));
  }

  // Random draws are replayed too: the generator advances at every replay, as it would run after run.
  @Override
  public NdArray randn(int[] shape, RandomGenerator rng) {
    return produced(inner.randn(shape, rng), () -> inner.randn(shape, rng));
  }

  @Override
  public NdArray rand(int[] shape, float low, float high, RandomGenerator rng) {
    return produced(inner.rand(shape, low, high, rng), () -> inner.rand(shape, low, high, rng));
  }

  @Override
  public NdArray bernoulli(int[] shape, float keep, float scale, RandomGenerator rng) {
    return produced(inner.bernoulli(shape, keep, scale, rng), () -> inner.bernoulli(shape, keep, scale, rng));
  }

  @Override
  public NdArray contiguous(NdArray x) {
    return produced(inner.contiguous(x), () -> inner.contiguous(x));
  }

  @Override
  public NdArray copy(NdArray x) {
    return produced(inner.copy(x), () -> inner.copy(x));
  }

  @Override
  public void copyInto(NdArray src, NdArray dst) {
    inner.copyInto(src, dst);
    calls.add(() -> inner.copyInto(src, dst));
  }

  @Override
  public NdArray unary(UnaryOp op, NdArray x, float p, float q) {
    return produced(inner.unary(op, x, p, q), () -> inner.unary(op, x, p, q));
  }

  @Override
  public NdArray mulUnary(NdArray g, UnaryOp op, NdArray x, float p, float q) {
    return produced(inner.mulUnary(g, op, x, p, q), () -> inner.mulUnary(g, op, x, p, q));
  }

  @Override
  public NdArray binary(BinaryOp op, NdArray a, NdArray b) {
    return produced(inner.binary(op, a, b), () -> inner.binary(op, a, b));
  }

  @Override
  public void binaryInPlace(BinaryOp op, NdArray target, NdArray b) {
    inner.binaryInPlace(op, target, b);
    calls.add(() -> inner.binaryInPlace(op, target, b));
  }

  @Override
  public NdArray where(NdArray cond, NdArray a, NdArray b) {
    return produced(inner.where(cond, a, b), () -> inner.where(cond, a, b));
  }

  @Override
  public NdArray reduce(ReduceOp op, NdArray x, boolean[] dims, boolean keepDim) {
    boolean[] d = dims.clone();
    return produced(inner.reduce(op, x, d, keepDim), () -> inner.reduce(op, x, d, keepDim));
  }

  @Override
  public NdArray argReduce(ReduceOp op, NdArray x, int dim, boolean keepDim) {
    return produced(inner.argReduce(op, x, dim, keepDim), () -> inner.argReduce(op, x, dim, keepDim));
  }

  @Override
  public boolean allFinite(NdArray x) {
    throw new IllegalStateException("a captured step cannot branch on tensor values (allFinite: anomaly "
        + "detection or a gradient scaler's overflow check); run that step eagerly instead");
  }

  @Override
  public NdArray softmax(NdArray x, int dim, boolean log) {
    return produced(inner.softmax(x, dim, log), () -> inner.softmax(x, dim, log));
  }

  @Override
  public NdArray softmaxBackward(NdArray y, NdArray gy, int dim, boolean log) {
    return produced(inner.softmaxBackward(y, gy, dim, log), () -> inner.softmaxBackward(y, gy, dim, log));
  }

  @Override
  public NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps) {
    return producedAll(inner.layerNorm(x, gamma, beta, eps), () -> inner.layerNorm(x, gamma, beta, eps));
  }

  @Override
  public NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma) {
    return producedAll(inner.layerNormBackward(gy, x, mean, rstd, gamma), () -> inner.layerNormBackward(gy, x, mean, rstd, gamma));
  }

  @Override
  public NdArray[] attention(NdArray q, NdArray k, NdArray v, float scale, boolean causal) {
    return producedAll(inner.attention(q, k, v, scale, causal), () -> inner.attention(q, k, v, scale, causal));
  }

  @Override
  public NdArray[] attentionBackward(NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray weights, float scale, boolean causal) {
    return producedAll(inner.attentionBackward(gOut, q, k, v, weights, scale, causal),
        () -> inner.attentionBackward(gOut, q, k, v, weights, scale, causal));
  }

  /** As {@link #produced} for calls returning several arrays (null entries stay null). */
  private NdArray[] producedAll(NdArray[] recorded, java.util.function.Supplier<NdArray[]> again) {
    calls.add(() -> {
      NdArray[] fresh = again.get();
      for (int i = 0; i < recorded.length; i++) if (recorded[i] != null && fresh[i] != recorded[i]) inner.copyInto(fresh[i], recorded[i]);
    });
    return recorded;
  }

  @Override
  public NdArray[] selfAttention(NdArray qkv, int heads, float scale, boolean causal) {
    return producedAll(inner.selfAttention(qkv, heads, scale, causal), () -> inner.selfAttention(qkv, heads, scale, causal));
  }

  @Override
  public NdArray selfAttentionBackward(NdArray gOut, NdArray qkv, NdArray weights, int heads, float scale, boolean causal) {
    return produced(inner.selfAttentionBackward(gOut, qkv, weights, heads, scale, causal),
        () -> inner.selfAttentionBackward(gOut, qkv, weights, heads, scale, causal));
  }

  @Override
  public NdArray[] crossEntropy(NdArray logits, int[] targets, int ignoreIndex) {
    return producedAll(inner.crossEntropy(logits, targets, ignoreIndex), () -> inner.crossEntropy(logits, targets, ignoreIndex));
  }

  @Override
  public NdArray crossEntropyBackward(NdArray probs, int[] targets, int ignoreIndex, float g) {
    // g is read in Java by the op; a replay would keep it, which is right only for a loss seeded with 1.
    return produced(inner.crossEntropyBackward(probs, targets, ignoreIndex, g), () -> inner.crossEntropyBackward(probs, targets, ignoreIndex, g));
  }

  @Override
  public NdArray bmm(NdArray a, NdArray b) {
    return produced(inner.bmm(a, b), () -> inner.bmm(a, b));
  }

  @Override
  public NdArray linear(NdArray x, NdArray w, NdArray bias) {
    return produced(inner.linear(x, w, bias), () -> inner.linear(x, w, bias));
  }

  @Override
  public short[] toBf16(NdArray x) {
    short[] recorded = inner.toBf16(x);
    calls.add(() -> System.arraycopy(inner.toBf16(x), 0, recorded, 0, recorded.length));
    return recorded;
  }

  @Override
  public NdArray fromBf16(short[] bits, int[] shape) {
    return produced(inner.fromBf16(bits, shape), () -> inner.fromBf16(bits, shape));
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
    return produced(inner.conv2d(x, w, bias, spec), () -> inner.conv2d(x, w, bias, spec));
  }

  @Override
  public NdArray conv2dBackwardInput(NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec) {
    return produced(inner.conv2dBackwardInput(gOut, w, xShape, spec), () -> inner.conv2dBackwardInput(gOut, w, xShape, spec));
  }

  @Override
  public NdArray conv2dBackwardWeight(NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec) {
    return produced(inner.conv2dBackwardWeight(gOut, x, wShape, spec), () -> inner.conv2dBackwardWeight(gOut, x, wShape, spec));
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
    return produced(inner.maxPool2dBackward(gOut, argmax, xShape), () -> inner.maxPool2dBackward(gOut, argmax, xShape));
  }

  @Override
  public NdArray avgPool2d(NdArray x, Pool2dSpec spec) {
    return produced(inner.avgPool2d(x, spec), () -> inner.avgPool2d(x, spec));
  }

  @Override
  public NdArray avgPool2dBackward(NdArray gOut, int[] xShape, Pool2dSpec spec) {
    return produced(inner.avgPool2dBackward(gOut, xShape, spec), () -> inner.avgPool2dBackward(gOut, xShape, spec));
  }

  @Override
  public NdArray gather(NdArray x, int dim, NdArray index) {
    return produced(inner.gather(x, dim, index), () -> inner.gather(x, dim, index));
  }

  @Override
  public NdArray scatterAdd(int[] shape, int dim, NdArray index, NdArray src) {
    return produced(inner.scatterAdd(shape, dim, index, src), () -> inner.scatterAdd(shape, dim, index, src));
  }

  @Override
  public NdArray indexSelect(NdArray x, int dim, int[] index) {
    return produced(inner.indexSelect(x, dim, index), () -> inner.indexSelect(x, dim, index));
  }

  @Override
  public NdArray indexAdd(int[] shape, int dim, int[] index, NdArray src) {
    return produced(inner.indexAdd(shape, dim, index, src), () -> inner.indexAdd(shape, dim, index, src));
  }
}
