package dev.backflow.tensor;

import dev.backflow.autograd.Autograd;
import dev.backflow.autograd.Graph;
import dev.backflow.autograd.BackwardEngine;
import dev.backflow.autograd.Node;
import dev.backflow.autograd.Warnings;
import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.backend.BinaryOp;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Shapes;
import dev.backflow.ops.Activations;
import dev.backflow.ops.Arithmetic;
import dev.backflow.ops.Indexing;
import dev.backflow.ops.Joins;
import dev.backflow.ops.Linalg;
import dev.backflow.ops.Reduce;
import dev.backflow.ops.Views;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * An n-dimensional float32 array that remembers how it was computed.
 *
 * <p>Every op on tensors that require gradients records a {@link Node} (its grad_fn); {@link #backward()}
 * walks those nodes in reverse and fills {@link #grad()} of every leaf that requires it. Method names
 * follow PyTorch so that code ports line by line: {@code x.matmul(w).add(b).relu()}.
 */
public final class Tensor {
  private NdArray array;
  private boolean requiresGrad;
  private Tensor grad;
  private Node gradFn;
  private boolean retainGrad;
  private List<UnaryOperator<Tensor>> hooks;

  private Tensor(NdArray array) {
    this.array = array;
  }

  // The engine's view of a tensor (storage, graph attachment, hooks, accumulation), handed to autograd once.
  static {
    Graph.install(new Graph.TensorAccess() {
      @Override
      public Tensor wrap(NdArray value) {
        return new Tensor(value);
      }

      @Override
      public NdArray array(Tensor t) {
        return t.array;
      }

      @Override
      public void attach(Tensor out, Node node) {
        out.requiresGrad = true;
        out.gradFn = node;
      }

      @Override
      public Tensor runHooks(Tensor t, Tensor g) {
        return t.runHooks(g);
      }

      @Override
      public void accumulateGrad(Tensor t, Tensor g, boolean owned) {
        t.accumulateGrad(g, owned);
      }
    });
  }

  static Backend backend() {
    return Backends.current();
  }

  // =====================================================================================================
  // Factories

  /** A tensor over a copy of {@code data} with the given shape (row-major). */
  public static Tensor of(float[] data, int... shape) {
    checkShape("of", shape);
    if (data.length != Shapes.numel(shape)) {
      throw new IllegalArgumentException("of: " + data.length + " values cannot fill shape " + Arrays.toString(shape)
          + " (" + Shapes.numel(shape) + " elements)");
    }
    return new Tensor(NdArray.wrap(data.clone(), shape));
  }

  /** A 1-D tensor of the given values. */
  public static Tensor of(float... data) {
    return of(data, data.length);
  }

  /** A 2-D tensor from rows of equal length. */
  public static Tensor of(float[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] d = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException("of: row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
      }
      System.arraycopy(rows[i], 0, d, i * cols, cols);
    }
    return new Tensor(NdArray.wrap(d, rows.length, cols));
  }

  /** A 0-dimensional tensor. */
  public static Tensor scalar(float value) {
    return new Tensor(NdArray.wrap(new float[] {value}));
  }

  /** Wraps a backend array without copying; for op authors and backends. */
  public static Tensor zeros(int... shape) {
    checkShape("zeros", shape);
    return full(0f, shape);
  }

  public static Tensor ones(int... shape) {
    checkShape("ones", shape);
    return full(1f, shape);
  }

  public static Tensor full(float value, int... shape) {
    checkShape("full", shape);
    return new Tensor(backend().storage().full(shape, value));
  }

  public static Tensor zerosLike(Tensor t) {
    return zeros(t.shape());
  }

  public static Tensor onesLike(Tensor t) {
    return ones(t.shape());
  }

  /** 0, 1, ..., end-1. */
  public static Tensor arange(double end) {
    return arange(0, end, 1);
  }

  public static Tensor arange(double start, double end, double step) {
    if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
    return new Tensor(backend().storage().arange(start, end, step));
  }

  public static Tensor eye(int n) {
    return eye(n, n);
  }

  public static Tensor eye(int n, int m) {
    checkShape("eye", new int[] {n, m});
    return new Tensor(backend().storage().eye(n, m));
  }

  /** Standard normal values; the same seed gives the same values on every run and JDK. */
  public static Tensor randn(long seed, int... shape) {
    return randn(new SplittableRandom(seed), shape);
  }

  public static Tensor randn(RandomGenerator rng, int... shape) {
    checkShape("randn", shape);
    return new Tensor(backend().storage().randn(shape, rng));
  }

  /** Uniform values in [0, 1). */
  public static Tensor rand(long seed, int... shape) {
    return rand(new SplittableRandom(seed), shape);
  }

  public static Tensor rand(RandomGenerator rng, int... shape) {
    checkShape("rand", shape);
    return uniform(rng, 0f, 1f, shape);
  }

  /** Uniform values in [low, high). */
  public static Tensor uniform(RandomGenerator rng, float low, float high, int... shape) {
    checkShape("uniform", shape);
    if (!(high >= low)) throw new IllegalArgumentException("uniform: need low <= high, got [" + low + ", " + high + ")");
    return new Tensor(backend().storage().rand(shape, low, high, rng));
  }

  private static void checkShape(String op, int[] shape) {
    for (int s : shape) {
      if (s < 0) throw new IllegalArgumentException(op + ": negative size " + s + " in shape " + Arrays.toString(shape));
    }
    Shapes.numel(shape);
  }

  // =====================================================================================================
  // Readers

  public int[] shape() {
    return array.shape();
  }

  public int shape(int dim) {
    return array.shape(Shapes.normalizeDim(dim, dim()));
  }

  public int dim() {
    return array.rank();
  }

  public int numel() {
    return array.size();
  }

  public DType dtype() {
    return DType.FLOAT32;
  }

  public boolean isContiguous() {
    return array.isContiguous();
  }

  /** A contiguous row-major copy of the values. */
  public float[] toArray() {
    NdArray c = backend().storage().copy(array);
    return c.data();
  }

  /** The value of a one-element tensor. */
  public float item() {
    if (numel() != 1) {
      throw new IllegalStateException("item: only a one-element tensor converts to a number, this one has shape "
          + Arrays.toString(shape()));
    }
    return array.get(new int[array.rank()]);
  }

  /** One element by index (negative indices count from the end). */
  public float get(int... index) {
    if (index.length != dim()) {
      throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of shape " + Arrays.toString(shape()));
    }
    int[] idx = new int[index.length];
    for (int d = 0; d < index.length; d++) {
      int size = array.shape(d);
      int i = index[d] < 0 ? index[d] + size : index[d];
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException("get: index " + index[d] + " is out of range for dimension " + d
            + " of size " + size);
      }
      idx[d] = i;
    }
    return array.get(idx);
  }

  public boolean isFinite() {
    return backend().reductions().allFinite(array);
  }

  @Override
  public String toString() {
    return TensorFormat.format(this);
  }

  // =====================================================================================================
  // Autograd

  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** Marks a leaf as a variable whose gradient backward() should compute. Returns this. */
  public Tensor requiresGrad(boolean requires) {
    if (gradFn != null && !requires) {
      throw new IllegalStateException("requiresGrad(false): this tensor was computed by " + gradFn.name()
          + "; call detach() to get a tensor outside the graph");
    }
    this.requiresGrad = requires;
    return this;
  }

  /**
   * The accumulated gradient, or null before any backward pass reaches this tensor. A tensor computed by an op
   * keeps no gradient unless {@link #retainGrad()} was called on it: reading its null grad() warns once per
   * line (as PyTorch's .grad of a non-leaf), since a null that silently means "not kept" reads like "zero".
   */
  public Tensor grad() {
    if (grad == null && gradFn != null && !retainGrad) {
      Warnings.once("grad() of a non-leaf", "grad(): this tensor " + Arrays.toString(shape()) + " was computed by "
          + gradFn.name() + ", so backward() does not keep its gradient and grad() is null; call retainGrad() on it "
          + "before backward() to keep it, or read grad() of the leaf tensors it was computed from");
    }
    return grad;
  }

  public void setGrad(Tensor g) {
    if (g != null && !Arrays.equals(g.shape(), shape())) {
      throw new IllegalArgumentException("setGrad: gradient shape " + Arrays.toString(g.shape())
          + " does not match tensor shape " + Arrays.toString(shape()));
    }
    this.grad = g;
  }

  /** Sets grad to null (as PyTorch's set_to_none default), so the next backward starts fresh. */
  public void zeroGrad() {
    this.grad = null;
  }

  /** The node that computed this tensor, or null for a leaf. */
  public Node gradFn() {
    return gradFn;
  }

  public boolean isLeaf() {
    return gradFn == null;
  }

  /** Keep the gradient of this non-leaf tensor in grad() after backward. Returns this. */
  public Tensor retainGrad() {
    retainGrad = true;
    return this;
  }

  public boolean retainsGrad() {
    return retainGrad;
  }

  /**
   * Calls {@code hook} with this tensor's gradient each time backward computes it; a non-null result
   * replaces the gradient. Used by diagnostics and the page to watch gradients flow.
   */
  public HookHandle registerHook(UnaryOperator<Tensor> hook) {
    if (!requiresGrad) {
      throw new IllegalStateException("registerHook: this tensor does not require grad, so no gradient will reach it");
    }
    if (hooks == null) hooks = new ArrayList<>();
    hooks.add(hook);
    return () -> hooks.remove(hook);
  }

  private Tensor runHooks(Tensor g) {
    if (hooks == null) return g;
    for (UnaryOperator<Tensor> h : List.copyOf(hooks)) {
      Tensor r = h.apply(g);
      if (r != null) g = r;
    }
    return g;
  }

  private void accumulateGrad(Tensor g, boolean owned) {
    if (grad == null) grad = owned ? new Tensor(g.array) : new Tensor(backend().storage().copy(g.array));
    else grad = new Tensor(backend().elementwise().binary(BinaryOp.ADD, grad.array, g.array));
  }

  /** Backpropagates from this one-element tensor and frees the graph. */
  public void backward() {
    BackwardEngine.run(this, null, false);
  }

  /** Backpropagates with dL/d(this) = seed. */
  public void backward(Tensor seed) {
    BackwardEngine.run(this, seed, false);
  }

  /** As backward(seed); with retainGraph the graph stays usable for another backward pass. */
  public void backward(Tensor seed, boolean retainGraph) {
    BackwardEngine.run(this, seed, retainGraph);
  }

  /**
   * As backward(seed, retainGraph); with createGraph the pass records its own graph, so the gradients left
   * in grad() require grad and can be differentiated again (seed null: ones, for a one-element tensor).
   */
  public void backward(Tensor seed, boolean retainGraph, boolean createGraph) {
    BackwardEngine.run(this, seed, retainGraph, createGraph);
  }

  /** The same values (shared storage) outside the graph. */
  public Tensor detach() {
    return new Tensor(array);
  }

  /** A handle to remove a hook. */
  @FunctionalInterface
  public interface HookHandle {
    void remove();
  }

  // =====================================================================================================
  // In-place updates (for optimizers and initializers; never recorded in the graph)

  private void checkInPlace(String op, Tensor other) {
    if (Autograd.isGradEnabled() && requiresGrad && isLeaf()) {
      throw new IllegalStateException(op + ": a leaf that requires grad cannot be changed in place while grad mode is "
          + "on (the change would not be recorded); do it inside Autograd.noGrad()");
    }
    if (gradFn != null) {
      throw new IllegalStateException(op + ": cannot change a tensor computed by " + gradFn.name()
          + " in place; its value may be needed by backward");
    }
    if (other != null && Shapes.tryBroadcast(shape(), other.shape()) == null
        || other != null && !Arrays.equals(Shapes.tryBroadcast(shape(), other.shape()), shape())) {
      throw new IllegalArgumentException(op + ": shape " + Arrays.toString(other.shape())
          + " does not broadcast to this tensor's shape " + Arrays.toString(shape()));
    }
  }

  private Tensor inPlace(String op, BinaryOp kind, Tensor other) {
    checkInPlace(op, other);
    NdArray src = other.array.sharesStorageWith(array) ? backend().storage().copy(other.array) : other.array;
    backend().elementwise().binaryInPlace(kind, array, src);
    return this;
  }

  public Tensor add_(Tensor other) { return inPlace("add_", BinaryOp.ADD, other); }
  public Tensor sub_(Tensor other) { return inPlace("sub_", BinaryOp.SUB, other); }
  public Tensor mul_(Tensor other) { return inPlace("mul_", BinaryOp.MUL, other); }
  public Tensor div_(Tensor other) { return inPlace("div_", BinaryOp.DIV, other); }
  public Tensor mul_(float s) { return inPlace("mul_", BinaryOp.MUL, scalar(s)); }
  public Tensor add_(float s) { return inPlace("add_", BinaryOp.ADD, scalar(s)); }

  /** Overwrites the values with {@code src} (broadcast to this shape). */
  public Tensor copy_(Tensor src) {
    return overwrite("copy_", src);
  }

  /** Sets every value to {@code value}. */
  public Tensor fill_(float value) {
    return overwrite("fill_", scalar(value));
  }

  /** copy_ and fill_, each refusing under its own name. */
  private Tensor overwrite(String op, Tensor src) {
    checkInPlace(op, src);
    NdArray s = src.array.sharesStorageWith(array) ? backend().storage().copy(src.array) : src.array;
    backend().storage().copyInto(s, array);
    return this;
  }

  // =====================================================================================================
  // Arithmetic (ops/Arithmetic)

  public Tensor add(Tensor o) { return Arithmetic.add(this, o); }
  public Tensor add(float s) { return Arithmetic.add(this, s); }
  public Tensor sub(Tensor o) { return Arithmetic.sub(this, o); }
  public Tensor sub(float s) { return Arithmetic.add(this, -s); }
  public Tensor rsub(float s) { return Arithmetic.rsub(s, this); }
  public Tensor mul(Tensor o) { return Arithmetic.mul(this, o); }
  public Tensor mul(float s) { return Arithmetic.mul(this, s); }
  public Tensor div(Tensor o) { return Arithmetic.div(this, o); }
  public Tensor div(float s) { return Arithmetic.mul(this, 1f / s); }
  public Tensor neg() { return Arithmetic.neg(this); }
  public Tensor pow(float exponent) { return Arithmetic.pow(this, exponent); }
  public Tensor square() { return Arithmetic.pow(this, 2f); }
  public Tensor sqrt() { return Arithmetic.sqrt(this); }
  public Tensor exp() { return Arithmetic.exp(this); }
  public Tensor log() { return Arithmetic.log(this); }
  public Tensor abs() { return Arithmetic.abs(this); }
  public Tensor clamp(float min, float max) { return Arithmetic.clamp(this, min, max); }
  public Tensor maximum(Tensor o) { return Arithmetic.maximum(this, o); }
  public Tensor minimum(Tensor o) { return Arithmetic.minimum(this, o); }

  /** cond != 0 ? a : b, element-wise with broadcasting; cond carries no gradient. */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Arithmetic.where(cond, a, b); }

  // comparisons (no gradient): 1 where true, 0 where false
  public Tensor eq(Tensor o) { return Arithmetic.compare("eq", BinaryOp.EQ, this, o); }
  public Tensor gt(Tensor o) { return Arithmetic.compare("gt", BinaryOp.GT, this, o); }
  public Tensor lt(Tensor o) { return Arithmetic.compare("lt", BinaryOp.LT, this, o); }
  public Tensor ge(Tensor o) { return Arithmetic.compare("ge", BinaryOp.GE, this, o); }
  public Tensor le(Tensor o) { return Arithmetic.compare("le", BinaryOp.LE, this, o); }
  public Tensor gt(float s) { return gt(scalar(s)); }
  public Tensor lt(float s) { return lt(scalar(s)); }
  /** 1 where this equals {@code s}, else 0 (e.g. {@code pred.eq(3f)}). */
  public Tensor eq(float s) { return eq(scalar(s)); }
  public Tensor ge(float s) { return ge(scalar(s)); }
  public Tensor le(float s) { return le(scalar(s)); }

  // =====================================================================================================
  // Activations (ops/Activations)

  public Tensor sigmoid() { return Activations.sigmoid(this); }
  public Tensor tanh() { return Activations.tanh(this); }
  public Tensor relu() { return Activations.relu(this); }
  public Tensor leakyRelu(float negativeSlope) { return Activations.leakyRelu(this, negativeSlope); }
  /** Exact GELU, x * Phi(x), as PyTorch's default. */
  public Tensor gelu() { return Activations.gelu(this, false); }
  /** GELU, with the tanh approximation when {@code tanhApprox} (PyTorch's approximate='tanh'). */
  public Tensor gelu(boolean tanhApprox) { return Activations.gelu(this, tanhApprox); }
  public Tensor softplus() { return Activations.softplus(this, 1f, 20f); }
  public Tensor softmax(int dim) { return Activations.softmax(this, dim); }
  public Tensor logSoftmax(int dim) { return Activations.logSoftmax(this, dim); }

  // =====================================================================================================
  // Reductions (ops/Reduce)

  public Tensor sum() { return Reduce.sum(this, null, false); }
  public Tensor sum(int dim) { return Reduce.sum(this, new int[] {dim}, false); }
  public Tensor sum(int[] dims, boolean keepDim) { return Reduce.sum(this, dims, keepDim); }
  public Tensor mean() { return Reduce.mean(this, null, false); }
  public Tensor mean(int dim) { return Reduce.mean(this, new int[] {dim}, false); }
  public Tensor mean(int[] dims, boolean keepDim) { return Reduce.mean(this, dims, keepDim); }
  public Tensor max() { return Reduce.max(this, null, false); }
  public Tensor max(int dim) { return Reduce.max(this, new int[] {dim}, false); }
  public Tensor max(int[] dims, boolean keepDim) { return Reduce.max(this, dims, keepDim); }
  public Tensor min() { return Reduce.min(this, null, false); }
  public Tensor min(int dim) { return Reduce.min(this, new int[] {dim}, false); }
  public Tensor min(int[] dims, boolean keepDim) { return Reduce.min(this, dims, keepDim); }
  /** Unbiased variance (correction 1), as torch.var's default. */
  public Tensor var() { return Reduce.var(this, null, 1, false); }
  public Tensor var(int dim) { return Reduce.var(this, new int[] {dim}, 1, false); }
  public Tensor var(int[] dims, int correction, boolean keepDim) { return Reduce.var(this, dims, correction, keepDim); }
  /** Index of the largest element of the flattened tensor (no gradient). */
  public Tensor argmax() { return Reduce.argmax(this, null, false); }
  public Tensor argmax(int dim) { return Reduce.argmax(this, dim, false); }
  public Tensor argmax(int dim, boolean keepDim) { return Reduce.argmax(this, dim, keepDim); }
  public Tensor argmin(int dim) { return Reduce.argmin(this, dim, false); }

  // =====================================================================================================
  // Linear algebra (ops/Linalg)

  /** torch.matmul: dot, matrix-vector, matrix and batched products with broadcast batch dims. */
  public Tensor matmul(Tensor o) { return Linalg.matmul(this, o); }

  // =====================================================================================================
  // Views and shape (ops/Views): no copy where the strides allow

  public Tensor reshape(int... shape) { return Views.reshape(this, shape); }
  /** As reshape, but fails instead of copying when the strides cannot express the new shape. */
  public Tensor view(int... shape) { return Views.view(this, shape); }
  public Tensor flatten() { return Views.flatten(this, 0, -1); }
  public Tensor flatten(int startDim, int endDim) { return Views.flatten(this, startDim, endDim); }
  /** Flattens dims {@code startDim} to the last, as {@code torch.flatten(x, start_dim)}: {@code x.flatten(1)} for [N, C*H*W]. */
  public Tensor flatten(int startDim) { return Views.flatten(this, startDim, -1); }
  public Tensor squeeze() { return Views.squeeze(this); }
  public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }
  public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }
  public Tensor transpose(int d0, int d1) { return Views.transpose(this, d0, d1); }
  /** Transpose of the last two dims (PyTorch's mT; for 2-D, .T). */
  public Tensor mT() { return Views.transpose(this, -2, -1); }
  public Tensor permute(int... dims) { return Views.permute(this, dims); }
  public Tensor expand(int... shape) { return Views.expand(this, shape); }
  public Tensor narrow(int dim, int start, int length) { return Views.slice(this, dim, start, start + length, 1); }
  /** Elements start, start+step, ... below end along dim (Python's x[..., start:end:step]). */
  public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }
  /** The sub-tensor at {@code index} along dim, with that dim removed. */
  public Tensor select(int dim, int index) { return Views.select(this, dim, index); }
  public Tensor contiguous() { return Views.contiguous(this); }
  /** Sums this (a broadcast result) back down to {@code shape}: the backward of broadcasting. */
  public Tensor sumTo(int... shape) { return Reduce.sumTo(this, shape); }

  // =====================================================================================================
  // Joining and indexing (ops/Joins, ops/Indexing)

  public static Tensor cat(int dim, Tensor... tensors) { return Joins.cat(dim, tensors); }
  public static Tensor cat(List<Tensor> tensors, int dim) { return Joins.cat(dim, tensors.toArray(new Tensor[0])); }
  public static Tensor stack(int dim, Tensor... tensors) { return Joins.stack(dim, tensors); }
  /** F.pad: {@code pads} holds (before, after) pairs starting from the last dim. */
  public Tensor pad(int[] pads, float value) { return Joins.pad(this, pads, value); }
  public Tensor pad(int... pads) { return Joins.pad(this, pads, 0f); }
  public Tensor indexSelect(int dim, int... index) { return Indexing.indexSelect(this, dim, index); }
  public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }
  public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }
}
