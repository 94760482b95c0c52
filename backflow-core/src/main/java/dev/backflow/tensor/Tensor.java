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
 *
 * <p>Labels and indices may be {@link DType#INT64} ({@link #labels}, {@link #ofLongs}, {@link #argmax}): views,
 * cat and stack keep that dtype, index readers (gather, embedding, crossEntropy targets) read it as it is, and
 * every other op reads it promoted to float32, so int + float is float as in PyTorch. See {@link DType}.
 */
public final class Tensor {
  private NdArray array;
  private boolean requiresGrad;
  private Tensor grad;
  private Node gradFn;
  private boolean retainGrad;
  private List<UnaryOperator<Tensor>> hooks;
  // The backward engine's bookkeeping: the pass that last visited this tensor, and its slot there.
  private Object sweepToken;
  private int sweepSlot;

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
      public boolean hasHooks(Tensor t) {
        return t.hooks != null && !t.hooks.isEmpty();
      }

      @Override
      public void accumulateGrad(Tensor t, Tensor g, boolean owned) {
        t.accumulateGrad(g, owned);
      }

      @Override
      public Object sweepToken(Tensor t) {
        return t.sweepToken;
      }

      @Override
      public int sweepSlot(Tensor t) {
        return t.sweepSlot;
      }

      @Override
      public void mark(Tensor t, Object token, int slot) {
        t.sweepToken = token;
        t.sweepSlot = slot;
      }
    });
  }

  static Backend backend() {
    return Backends.current();
  }

  // =====================================================================================================
  // Factories

  /**
   * A tensor over a copy of {@code data} with the given shape, filled row-major (the last dim varies fastest),
   * like {@code torch.tensor(data).reshape(shape)}.
   *
   * @param data the values; later changes to the array do not reach the tensor
   * @param shape the sizes of the dims; their product must equal {@code data.length}
   * @return a new float32 leaf tensor
   * @throws IllegalArgumentException if a size is negative or the values do not fill the shape exactly
   */
  public static Tensor of(float[] data, int... shape) {
    checkShape("of", shape);
    if (data.length != Shapes.numel(shape)) {
      throw new IllegalArgumentException("of: " + data.length + " values cannot fill shape " + Arrays.toString(shape)
          + " (" + Shapes.numel(shape) + " elements)");
    }
    return new Tensor(NdArray.wrap(data.clone(), shape));
  }

  /**
   * A 1-D tensor of the given values, like {@code torch.tensor([...])}.
   *
   * @param data the values (copied)
   * @return a new float32 tensor of shape [data.length]
   */
  public static Tensor of(float... data) {
    return of(data, data.length);
  }

  /**
   * A 2-D tensor from rows of equal length, like {@code torch.tensor([[...], [...]])}.
   *
   * @param rows the rows (copied); row i becomes {@code t.select(0, i)}
   * @return a new float32 tensor of shape [rows.length, rows[0].length] ([0, 0] for no rows)
   * @throws IllegalArgumentException if the rows differ in length
   */
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

  /**
   * A 0-dimensional tensor (shape []), like {@code torch.tensor(value)}; broadcasts against any shape.
   *
   * @param value its one element
   * @return a new float32 tensor with {@code dim() == 0}
   */
  public static Tensor scalar(float value) {
    return new Tensor(NdArray.wrap(new float[] {value}));
  }

  /**
   * An {@link DType#INT64} tensor over a copy of {@code values} with the given shape (row-major), as
   * {@code torch.tensor(values, dtype=torch.long).reshape(shape)}.
   *
   * @param values the values (copied)
   * @param shape the sizes of the dims; their product must equal {@code values.length}
   * @return a new INT64 tensor
   * @throws IllegalArgumentException if a size is negative or the values do not fill the shape exactly
   */
  public static Tensor ofLongs(long[] values, int... shape) {
    checkShape("ofLongs", shape);
    if (values.length != Shapes.numel(shape)) {
      throw new IllegalArgumentException("ofLongs: " + values.length + " values cannot fill shape "
          + Arrays.toString(shape) + " (" + Shapes.numel(shape) + " elements)");
    }
    return new Tensor(NdArray.wrapLongs(values.clone(), shape));
  }

  /**
   * A 1-D {@link DType#INT64} tensor of class labels or indices: {@code Tensor.labels(3, 0, 2)}.
   *
   * @param values the labels (copied)
   * @return a new INT64 tensor of shape [values.length]
   */
  public static Tensor labels(int... values) {
    long[] v = new long[values.length];
    for (int i = 0; i < v.length; i++) v[i] = values[i];
    return new Tensor(NdArray.wrapLongs(v, v.length));
  }

  /**
   * A tensor of zeros, like {@code torch.zeros(shape)}.
   *
   * @param shape the sizes of the dims (none for a scalar)
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative or the element count overflows an int
   */
  public static Tensor zeros(int... shape) {
    checkShape("zeros", shape);
    return full(0f, shape);
  }

  /**
   * A tensor of ones, like {@code torch.ones(shape)}.
   *
   * @param shape the sizes of the dims (none for a scalar)
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative or the element count overflows an int
   */
  public static Tensor ones(int... shape) {
    checkShape("ones", shape);
    return full(1f, shape);
  }

  /**
   * A tensor with every element {@code value}, like {@code torch.full(shape, value)}.
   *
   * @param value the fill value
   * @param shape the sizes of the dims (none for a scalar)
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative or the element count overflows an int
   */
  public static Tensor full(float value, int... shape) {
    checkShape("full", shape);
    return new Tensor(backend().storage().full(shape, value));
  }

  /**
   * Zeros with the shape of {@code t}, like {@code torch.zeros_like}.
   *
   * @param t the tensor whose shape is copied (its values and graph are not)
   * @return a new float32 tensor of {@code t.shape()}
   */
  public static Tensor zerosLike(Tensor t) {
    return zeros(t.shape());
  }

  /**
   * Ones with the shape of {@code t}, like {@code torch.ones_like}.
   *
   * @param t the tensor whose shape is copied (its values and graph are not)
   * @return a new float32 tensor of {@code t.shape()}
   */
  public static Tensor onesLike(Tensor t) {
    return ones(t.shape());
  }

  /**
   * The values 0, 1, ..., below {@code end}, like {@code torch.arange(end)}.
   *
   * @param end the exclusive upper bound
   * @return a new 1-D float32 tensor of ceil(end) elements (empty when end &lt;= 0)
   */
  public static Tensor arange(double end) {
    return arange(0, end, 1);
  }

  /**
   * The values start, start + step, ... up to but excluding {@code end}, like {@code torch.arange(start, end, step)}.
   *
   * @param start the first value
   * @param end the exclusive bound (an upper bound for a positive step, a lower one for a negative step)
   * @param step the spacing; may be negative
   * @return a new 1-D float32 tensor of ceil((end - start) / step) elements (empty when that is not positive)
   * @throws IllegalArgumentException if {@code step} is zero or NaN
   */
  public static Tensor arange(double start, double end, double step) {
    if (step == 0 || Double.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
    return new Tensor(backend().storage().arange(start, end, step));
  }

  /**
   * The n×n identity matrix, like {@code torch.eye(n)}.
   *
   * @param n the number of rows and columns
   * @return a new [n, n] float32 tensor with ones on the diagonal
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public static Tensor eye(int n) {
    return eye(n, n);
  }

  /**
   * An n×m matrix with ones on the main diagonal and zeros elsewhere, like {@code torch.eye(n, m)}.
   *
   * @param n the number of rows
   * @param m the number of columns
   * @return a new [n, m] float32 tensor
   * @throws IllegalArgumentException if {@code n} or {@code m} is negative
   */
  public static Tensor eye(int n, int m) {
    checkShape("eye", new int[] {n, m});
    return new Tensor(backend().storage().eye(n, m));
  }

  /**
   * Standard normal values (mean 0, standard deviation 1), like {@code torch.randn} under {@code
   * torch.manual_seed(seed)}:
   * the same seed gives the same values on every run and JDK (not PyTorch's values, though).
   *
   * @param seed the seed of a fresh {@link SplittableRandom}
   * @param shape the sizes of the dims
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative
   */
  public static Tensor randn(long seed, int... shape) {
    return randn(new SplittableRandom(seed), shape);
  }

  /**
   * Standard normal values drawn from {@code rng}, like {@code torch.randn(shape, generator=rng)}.
   *
   * @param rng the generator to draw from; it advances by the number of values drawn
   * @param shape the sizes of the dims
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative
   */
  public static Tensor randn(RandomGenerator rng, int... shape) {
    checkShape("randn", shape);
    return new Tensor(backend().storage().randn(shape, rng));
  }

  /**
   * Uniform values in [0, 1), like {@code torch.rand} under {@code torch.manual_seed(seed)}; the same seed gives the
   * same values on every run and JDK.
   *
   * @param seed the seed of a fresh {@link SplittableRandom}
   * @param shape the sizes of the dims
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative
   */
  public static Tensor rand(long seed, int... shape) {
    return rand(new SplittableRandom(seed), shape);
  }

  /**
   * Uniform values in [0, 1) drawn from {@code rng}, like {@code torch.rand(shape, generator=rng)}.
   *
   * @param rng the generator to draw from; it advances by the number of values drawn
   * @param shape the sizes of the dims
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative
   */
  public static Tensor rand(RandomGenerator rng, int... shape) {
    checkShape("rand", shape);
    return uniform(rng, 0f, 1f, shape);
  }

  /**
   * Uniform values in [low, high) drawn from {@code rng}, like {@code torch.empty(shape).uniform_(low, high)}.
   *
   * @param rng the generator to draw from; it advances by the number of values drawn
   * @param low the inclusive lower bound
   * @param high the exclusive upper bound; must be at least {@code low}
   * @param shape the sizes of the dims
   * @return a new float32 tensor
   * @throws IllegalArgumentException if a size is negative, or {@code high < low} or either is NaN
   */
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

  /**
   * The sizes of the dims, like {@code torch.Tensor.shape}: [] for a scalar, [N, C, H, W] for an image batch.
   *
   * @return a fresh copy of the shape; changing it does not change the tensor
   */
  public int[] shape() {
    return array.shape();
  }

  /**
   * The size of one dim, like {@code torch.Tensor.size(dim)}.
   *
   * @param dim the dim, negative counting from the last ({@code -1} is the last)
   * @return that dim's size
   * @throws IllegalArgumentException if {@code dim} is out of range for this tensor's rank
   */
  public int shape(int dim) {
    return array.shape(Shapes.normalizeDim(dim, dim()));
  }

  /**
   * The number of dims (the rank), like {@code torch.Tensor.dim()}: 0 for a scalar, 2 for a matrix.
   *
   * @return the rank
   */
  public int dim() {
    return array.rank();
  }

  /**
   * The number of elements, the product of the shape, like {@code torch.Tensor.numel()}.
   *
   * @return the element count (1 for a scalar)
   */
  public int numel() {
    return array.size();
  }

  /**
   * The element type, like {@code torch.Tensor.dtype}: FLOAT32, or INT64 for labels and indices ({@link #labels},
   * {@link #ofLongs}, argmax).
   *
   * @return the element type
   */
  public DType dtype() {
    return array.isIntegral() ? DType.INT64 : DType.FLOAT32;
  }

  /**
   * This tensor's values as {@code dtype}, like {@code torch.Tensor.to(dtype)}: itself when it already is; FLOAT32 from
   * INT64 exactly (up to 2^24); INT64 from FLOAT32 truncated toward zero, as PyTorch's {@code .long()}. Not
   * differentiable: the result is outside the graph, as an integer tensor has no gradient.
   *
   * @param dtype FLOAT32 or INT64
   * @return this tensor, or a new one with the converted values
   * @throws IllegalArgumentException for a dtype that has no storage yet (FLOAT64 and the 16-bit types)
   */
  public Tensor to(DType dtype) {
    if (dtype == dtype()) return this;
    switch (dtype) {
      case FLOAT32: return new Tensor(backend().storage().toFloat(array));
      case INT64: return new Tensor(backend().storage().toInt64(array));
      default: throw new IllegalArgumentException("to: " + dtype + " has no storage yet; FLOAT32 and INT64 do");
    }
  }

  /**
   * {@code to(DType.FLOAT32)}, as PyTorch's {@code .float()}.
   *
   * @return this tensor if it is float32, else a float32 copy outside the graph
   */
  public Tensor toFloat() {
    return to(DType.FLOAT32);
  }

  /**
   * {@code to(DType.INT64)}, as PyTorch's {@code .long()}: values truncated toward zero.
   *
   * @return this tensor if it is INT64, else an INT64 copy outside the graph
   */
  public Tensor toLong() {
    return to(DType.INT64);
  }

  /**
   * Whether the elements lie in row-major order with no gaps, like {@code torch.Tensor.is_contiguous()}; views such as
   * {@link #transpose} and {@link #expand} are usually not. {@link #view} needs compatible strides; {@link #contiguous}
   * makes a copy that is.
   *
   * @return true if the storage is laid out row-major for this shape
   */
  public boolean isContiguous() {
    return array.isContiguous();
  }

  /**
   * A contiguous row-major copy of the values, like {@code t.flatten().tolist()} (an INT64 tensor's converted to
   * float).
   *
   * @return a new array of {@link #numel()} values; changing it does not change the tensor
   */
  public float[] toArray() {
    NdArray c = array.isIntegral() ? backend().storage().toFloat(array) : backend().storage().copy(array);
    return c.data();
  }

  /**
   * A contiguous row-major copy of the values as longs (a float tensor's truncated toward zero).
   *
   * @return a new array of {@link #numel()} values
   */
  public long[] toLongArray() {
    NdArray c = array.isIntegral() ? backend().storage().copy(array) : backend().storage().toInt64(array);
    return c.longs();
  }

  /**
   * The value of a one-element tensor as a long: exact for an INT64 tensor (as PyTorch's {@code item()} there), a
   * float's truncated toward zero.
   *
   * @return the element
   * @throws IllegalStateException if the tensor has more or fewer than one element
   */
  public long longValue() {
    if (numel() != 1) {
      throw new IllegalStateException("longValue: only a one-element tensor converts to a number, this one has shape "
          + Arrays.toString(shape()));
    }
    return array.getLong(new int[array.rank()]);
  }

  /**
   * The value of a one-element tensor, like {@code torch.Tensor.item()}: {@code loss.item()}.
   *
   * @return the element (an INT64 one converted to float)
   * @throws IllegalStateException if the tensor has more or fewer than one element
   */
  public float item() {
    if (numel() != 1) {
      throw new IllegalStateException("item: only a one-element tensor converts to a number, this one has shape "
          + Arrays.toString(shape()));
    }
    return array.get(new int[array.rank()]);
  }

  /**
   * One element by index, like {@code t[i, j].item()}; negative indices count from the end of their dim.
   *
   * @param index one index per dim
   * @return the element
   * @throws IllegalArgumentException if the number of indices differs from {@link #dim()}
   * @throws IndexOutOfBoundsException if an index is outside its dim
   */
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

  /**
   * Whether every element is finite (no NaN or infinity), like {@code torch.isfinite(t).all().item()}; how a training
   * loop or {@code GradScaler} checks a loss or gradients for overflow.
   *
   * @return true if all elements are finite (true for an empty tensor)
   */
  public boolean isFinite() {
    return array.isIntegral() || backend().reductions().allFinite(array);
  }

  /**
   * The values and shape in PyTorch's print layout, e.g. {@code tensor([[1., 2.], [3., 4.]])}, with
   * {@code requires_grad} or the {@code grad_fn} shown as PyTorch does; long tensors are summarised.
   *
   * @return a printable description
   */
  @Override
  public String toString() {
    return TensorFormat.format(this);
  }

  // =====================================================================================================
  // Autograd

  /**
   * Whether backward computes a gradient for this tensor, like {@code torch.Tensor.requires_grad}: true for a leaf
   * marked with {@link #requiresGrad(boolean)} and for every result of an op on such a tensor (outside {@code noGrad}).
   *
   * @return true if this tensor takes part in the graph
   */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /**
   * Marks a leaf as a variable whose gradient {@link #backward()} should compute, like
   * {@code torch.Tensor.requires_grad_()}: {@code Tensor.randn(0, 3, 4).requiresGrad(true)}.
   *
   * @param requires true to record ops on this tensor and fill its {@link #grad()}, false to stop
   * @return this tensor, for chaining
   * @throws IllegalStateException if {@code requires} is false on a tensor computed by an op (use {@link #detach()})
   */
  public Tensor requiresGrad(boolean requires) {
    if (requires && array.isIntegral()) {
      throw new IllegalStateException("requiresGrad: only floating point tensors can require gradients, this one is "
          + dtype() + " (labels and indices have no gradient; call toFloat() for a float copy that can)");
    }
    if (gradFn != null && !requires) {
      throw new IllegalStateException("requiresGrad(false): this tensor was computed by " + gradFn.name()
          + "; call detach() to get a tensor outside the graph");
    }
    this.requiresGrad = requires;
    return this;
  }

  /**
   * The accumulated gradient, like {@code torch.Tensor.grad}, or null before any backward pass reaches this tensor. A
   * tensor computed by an op keeps no gradient unless {@link #retainGrad()} was called on it: reading its null grad()
   * warns once per line (as PyTorch's .grad of a non-leaf), since a null that silently means "not kept" reads like
   * "zero".
   *
   * @return the gradient, the same shape as this tensor, or null
   */
  public Tensor grad() {
    if (grad == null && gradFn != null && !retainGrad) {
      Warnings.once("grad() of a non-leaf", "grad(): this tensor " + Arrays.toString(shape()) + " was computed by "
          + gradFn.name() + ", so backward() does not keep its gradient and grad() is null; call retainGrad() on it "
          + "before backward() to keep it, or read grad() of the leaf tensors it was computed from");
    }
    return grad;
  }

  /**
   * Replaces the gradient, like assigning {@code t.grad = g} in PyTorch (gradient clipping and accumulation across
   * machines do this).
   *
   * @param g the new gradient, of this tensor's shape, or null to clear it
   * @throws IllegalArgumentException if {@code g}'s shape differs from this tensor's
   */
  public void setGrad(Tensor g) {
    if (g != null && !Arrays.equals(g.shape(), shape())) {
      throw new IllegalArgumentException("setGrad: gradient shape " + Arrays.toString(g.shape())
          + " does not match tensor shape " + Arrays.toString(shape()));
    }
    this.grad = g;
  }

  /**
   * Sets grad to null (as PyTorch's {@code set_to_none=True} default of {@code zero_grad}), so the next backward starts
   * fresh instead of adding to the old gradient.
   */
  public void zeroGrad() {
    this.grad = null;
  }

  /**
   * The node that computed this tensor, like {@code torch.Tensor.grad_fn}, or null for a leaf.
   *
   * @return the recording of the op that made this tensor, or null
   */
  public Node gradFn() {
    return gradFn;
  }

  /**
   * Whether this tensor was made directly rather than computed by a recorded op, like {@code torch.Tensor.is_leaf}.
   * Parameters are leaves; backward fills only leaves' {@link #grad()} (and retained non-leaves').
   *
   * @return true if {@link #gradFn()} is null
   */
  public boolean isLeaf() {
    return gradFn == null;
  }

  /**
   * Keeps the gradient of this non-leaf tensor in {@link #grad()} after backward, like {@code
   * torch.Tensor.retain_grad()}.
   *
   * @return this tensor, for chaining
   */
  public Tensor retainGrad() {
    retainGrad = true;
    return this;
  }

  /**
   * Whether {@link #retainGrad()} was called, like {@code torch.Tensor.retains_grad}.
   *
   * @return true if backward keeps this non-leaf tensor's gradient
   */
  public boolean retainsGrad() {
    return retainGrad;
  }

  /**
   * Calls {@code hook} with this tensor's gradient each time backward computes it, like
   * {@code torch.Tensor.register_hook}; a non-null result replaces the gradient. Used by diagnostics and the page to
   * watch gradients flow.
   *
   * @param hook receives the gradient (this tensor's shape) and returns a replacement or null to keep it
   * @return a handle whose {@code remove()} unregisters the hook
   * @throws IllegalStateException if this tensor does not require grad
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

  /**
   * Backpropagates from this one-element tensor (usually a loss) and frees the graph, like
   * {@code torch.Tensor.backward()}: every leaf that requires grad and that this tensor depends on gets dL/d(leaf)
   * added
   * to its {@link #grad()}.
   *
   * @throws IllegalArgumentException if this tensor has more than one element (pass a seed)
   * @throws IllegalStateException if this tensor does not require grad, or its graph was already freed by an earlier
   *     backward
   */
  public void backward() {
    BackwardEngine.run(this, null, false);
  }

  /**
   * Backpropagates with dL/d(this) = {@code seed}, like {@code torch.Tensor.backward(gradient)}; for a tensor with more
   * than one element, the seed weights each element's contribution.
   *
   * @param seed the gradient of the final quantity with respect to this tensor, of this tensor's shape (null: ones, for
   *     a one-element tensor)
   * @throws IllegalArgumentException if the seed's shape differs from this tensor's
   * @throws IllegalStateException if this tensor does not require grad or its graph was already freed
   */
  public void backward(Tensor seed) {
    BackwardEngine.run(this, seed, false);
  }

  /**
   * As {@link #backward(Tensor)}; with {@code retainGraph} the graph stays usable for another backward pass, like
   * PyTorch's {@code retain_graph=True}.
   *
   * @param seed the gradient with respect to this tensor (null: ones, for a one-element tensor)
   * @param retainGraph keep the saved values so that the graph can be traversed again
   * @throws IllegalArgumentException if the seed's shape differs from this tensor's
   * @throws IllegalStateException if this tensor does not require grad or its graph was already freed
   */
  public void backward(Tensor seed, boolean retainGraph) {
    BackwardEngine.run(this, seed, retainGraph);
  }

  /**
   * As {@link #backward(Tensor, boolean)}; with {@code createGraph} the pass records its own graph, so the gradients
   * left in grad() require grad and can be differentiated again (PyTorch's {@code create_graph=True}, for gradient
   * penalties and Hessian-vector products).
   *
   * @param seed the gradient with respect to this tensor (null: ones, for a one-element tensor)
   * @param retainGraph keep the saved values so that the graph can be traversed again
   * @param createGraph record the backward pass itself so that the gradients are differentiable
   * @throws IllegalArgumentException if the seed's shape differs from this tensor's
   * @throws IllegalStateException if this tensor does not require grad or its graph was already freed
   */
  public void backward(Tensor seed, boolean retainGraph, boolean createGraph) {
    BackwardEngine.run(this, seed, retainGraph, createGraph);
  }

  /**
   * The same values (shared storage) outside the graph, like {@code torch.Tensor.detach()}: the result does not require
   * grad, and gradients do not flow back through it.
   *
   * @return a new leaf tensor sharing this tensor's storage
   */
  public Tensor detach() {
    return new Tensor(array);
  }

  /** A handle to remove a hook. */
  @FunctionalInterface
  public interface HookHandle {
    /** Unregisters the hook; later backward passes no longer call it. Removing twice does nothing. */
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
    if (other != null && !other.array.broadcastsTo(array)) {
      throw new IllegalArgumentException(op + ": shape " + Arrays.toString(other.shape())
          + " does not broadcast to this tensor's shape " + Arrays.toString(shape()));
    }
  }

  private Tensor inPlace(String op, BinaryOp kind, Tensor other) {
    if (array.isIntegral()) {
      throw new IllegalStateException(op + ": this tensor is INT64 and in-place arithmetic writes float values it "
          + "cannot hold; use the out-of-place " + op.substring(0, op.length() - 1) + "(...), which returns a float "
          + "tensor, or call toFloat() first");
    }
    checkInPlace(op, other);
    NdArray o = Graph.array(other); // an INT64 operand promotes, as in the out-of-place op
    NdArray src = o.sharesStorageWith(array) ? backend().storage().copy(o) : o;
    backend().elementwise().binaryInPlace(kind, array, src);
    return this;
  }

  /**
   * Adds {@code other} into this tensor in place, like {@code torch.Tensor.add_}; not recorded in the graph.
   *
   * @param other a tensor whose shape broadcasts to this one's
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on (wrap it in
   *     {@code Autograd.noGrad()}), if it was computed by an op, or if it is INT64
   * @throws IllegalArgumentException if {@code other} does not broadcast to this shape
   */
  public Tensor add_(Tensor other) { return inPlace("add_", BinaryOp.ADD, other); }

  /**
   * Adds {@code alpha · other} into this tensor in place, like {@code torch.Tensor.add_(other, alpha=alpha)}: an
   * optimizer's update {@code p.add_(g, -lr)} in one pass, with the same values as {@code p.sub_(g.mul(lr))}. Not
   * recorded in the graph.
   *
   * @param other a tensor whose shape broadcasts to this one's
   * @param alpha the factor on {@code other}
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on (wrap it in
   *     {@code Autograd.noGrad()}), if it was computed by an op, or if it is INT64
   * @throws IllegalArgumentException if {@code other} does not broadcast to this shape
   */
  public Tensor add_(Tensor other, float alpha) {
    if (array.isIntegral()) {
      throw new IllegalStateException("add_: this tensor is INT64 and in-place arithmetic writes float values it "
          + "cannot hold; use the out-of-place add(other.mul(alpha)), which returns a float tensor, or call toFloat() first");
    }
    checkInPlace("add_", other);
    NdArray o = Graph.array(other);
    NdArray src = o.sharesStorageWith(array) ? backend().storage().copy(o) : o;
    backend().elementwise().addScaledInPlace(array, src, alpha);
    return this;
  }

  /**
   * Subtracts {@code other} from this tensor in place, like {@code torch.Tensor.sub_}; not recorded in the graph.
   *
   * @param other a tensor whose shape broadcasts to this one's
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on, if it was computed by an
   *     op,
   *     or if it is INT64
   * @throws IllegalArgumentException if {@code other} does not broadcast to this shape
   */
  public Tensor sub_(Tensor other) { return inPlace("sub_", BinaryOp.SUB, other); }

  /**
   * Multiplies this tensor by {@code other} in place, like {@code torch.Tensor.mul_}; not recorded in the graph.
   *
   * @param other a tensor whose shape broadcasts to this one's
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on, if it was computed by an
   *     op,
   *     or if it is INT64
   * @throws IllegalArgumentException if {@code other} does not broadcast to this shape
   */
  public Tensor mul_(Tensor other) { return inPlace("mul_", BinaryOp.MUL, other); }

  /**
   * Divides this tensor by {@code other} in place, like {@code torch.Tensor.div_}; not recorded in the graph.
   *
   * @param other a tensor whose shape broadcasts to this one's
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on, if it was computed by an
   *     op,
   *     or if it is INT64
   * @throws IllegalArgumentException if {@code other} does not broadcast to this shape
   */
  public Tensor div_(Tensor other) { return inPlace("div_", BinaryOp.DIV, other); }

  /**
   * Multiplies every element by {@code s} in place, like {@code torch.Tensor.mul_(s)} (weight decay, scaling).
   *
   * @param s the factor
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on, if it was computed by an
   *     op,
   *     or if it is INT64
   */
  public Tensor mul_(float s) { return inPlace("mul_", BinaryOp.MUL, scalar(s)); }

  /**
   * Adds {@code s} to every element in place, like {@code torch.Tensor.add_(s)}.
   *
   * @param s the amount to add
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on, if it was computed by an
   *     op,
   *     or if it is INT64
   */
  public Tensor add_(float s) { return inPlace("add_", BinaryOp.ADD, scalar(s)); }

  /**
   * Overwrites the values with {@code src} (broadcast to this shape), like {@code torch.Tensor.copy_}; loading weights
   * into a parameter does this under {@code noGrad}. Into an INT64 tensor, float values are truncated.
   *
   * @param src the values to copy, of a shape that broadcasts to this one's
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on, or it was computed by an op
   * @throws IllegalArgumentException if {@code src} does not broadcast to this shape
   */
  public Tensor copy_(Tensor src) {
    return overwrite("copy_", src);
  }

  /**
   * Sets every element to {@code value}, like {@code torch.Tensor.fill_}.
   *
   * @param value the new value of every element (truncated into an INT64 tensor)
   * @return this tensor
   * @throws IllegalStateException if this is a leaf that requires grad and grad mode is on, or it was computed by an op
   */
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

  /**
   * Element-wise sum with broadcasting, like {@code torch.add}: {@code x.matmul(w).add(b)}.
   *
   * @param o the other operand; the two shapes broadcast as in NumPy
   * @return {@code this + o}, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor add(Tensor o) { return Arithmetic.add(this, o); }

  /**
   * Adds a number to every element, like {@code t + s}.
   *
   * @param s the amount to add
   * @return {@code this + s}, of this shape
   */
  public Tensor add(float s) { return Arithmetic.add(this, s); }

  /**
   * Element-wise difference with broadcasting, like {@code torch.sub}.
   *
   * @param o the subtrahend; the two shapes broadcast
   * @return {@code this - o}, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor sub(Tensor o) { return Arithmetic.sub(this, o); }

  /**
   * Subtracts a number from every element, like {@code t - s}.
   *
   * @param s the amount to subtract
   * @return {@code this - s}, of this shape
   */
  public Tensor sub(float s) { return Arithmetic.add(this, -s); }

  /**
   * A number minus this tensor, like {@code torch.rsub(t, s)} or Python's {@code s - t}: {@code y.rsub(1f)} is 1 - y.
   *
   * @param s the minuend
   * @return {@code s - this}, of this shape
   */
  public Tensor rsub(float s) { return Arithmetic.rsub(s, this); }

  /**
   * Element-wise product with broadcasting, like {@code torch.mul} (not the matrix product: see {@link #matmul}).
   *
   * @param o the other factor; the two shapes broadcast
   * @return {@code this * o}, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor mul(Tensor o) { return Arithmetic.mul(this, o); }

  /**
   * Multiplies every element by a number, like {@code t * s}.
   *
   * @param s the factor
   * @return {@code this * s}, of this shape
   */
  public Tensor mul(float s) { return Arithmetic.mul(this, s); }

  /**
   * Element-wise quotient with broadcasting, like {@code torch.div} (true division).
   *
   * @param o the divisor; the two shapes broadcast
   * @return {@code this / o}, of the broadcast shape (infinite or NaN where {@code o} is zero)
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor div(Tensor o) { return Arithmetic.div(this, o); }

  /**
   * Divides every element by a number, like {@code t / s}.
   *
   * @param s the divisor
   * @return {@code this / s}, of this shape
   */
  public Tensor div(float s) { return Arithmetic.mul(this, 1f / s); }

  /**
   * Negation, like {@code torch.neg} or {@code -t}.
   *
   * @return {@code -this}, of this shape
   */
  public Tensor neg() { return Arithmetic.neg(this); }

  /**
   * Each element raised to a fixed power, like {@code torch.pow(t, exponent)}.
   *
   * @param exponent the power; fractional powers of negative elements are NaN
   * @return {@code this ^ exponent}, of this shape
   */
  public Tensor pow(float exponent) { return Arithmetic.pow(this, exponent); }

  /**
   * Each element squared, like {@code torch.square}.
   *
   * @return {@code this * this}, of this shape
   */
  public Tensor square() { return Arithmetic.pow(this, 2f); }

  /**
   * Square root of each element, like {@code torch.sqrt}; NaN for negative elements.
   *
   * @return the square roots, of this shape
   */
  public Tensor sqrt() { return Arithmetic.sqrt(this); }

  /**
   * e to the power of each element, like {@code torch.exp}.
   *
   * @return the exponentials, of this shape
   */
  public Tensor exp() { return Arithmetic.exp(this); }

  /**
   * Natural logarithm of each element, like {@code torch.log}; -infinity at 0 and NaN for negative elements.
   *
   * @return the logarithms, of this shape
   */
  public Tensor log() { return Arithmetic.log(this); }

  /**
   * Absolute value of each element, like {@code torch.abs}; its gradient at 0 is 0.
   *
   * @return the absolute values, of this shape
   */
  public Tensor abs() { return Arithmetic.abs(this); }

  /**
   * Limits each element to [min, max], like {@code torch.clamp}; the gradient is 0 where an element was clipped.
   *
   * @param min the lower bound
   * @param max the upper bound
   * @return the clamped values, of this shape
   */
  public Tensor clamp(float min, float max) { return Arithmetic.clamp(this, min, max); }

  /**
   * Element-wise larger of two tensors with broadcasting, like {@code torch.maximum}.
   *
   * @param o the other tensor; the two shapes broadcast
   * @return the larger element at each position, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor maximum(Tensor o) { return Arithmetic.maximum(this, o); }

  /**
   * Element-wise smaller of two tensors with broadcasting, like {@code torch.minimum}.
   *
   * @param o the other tensor; the two shapes broadcast
   * @return the smaller element at each position, of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor minimum(Tensor o) { return Arithmetic.minimum(this, o); }

  /**
   * Picks from {@code a} where {@code cond} is non-zero and from {@code b} elsewhere, with broadcasting, like
   * {@code torch.where(cond, a, b)}; {@code cond} carries no gradient, {@code a} and {@code b} get theirs where picked.
   *
   * @param cond the mask, typically the 0/1 result of a comparison
   * @param a the values where the mask is non-zero
   * @param b the values where the mask is zero
   * @return the picked values, of the shape all three broadcast to
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Arithmetic.where(cond, a, b); }

  // comparisons (no gradient): 1 where true, 0 where false
  /**
   * Element-wise equality, like {@code torch.eq}: 1 where equal, 0 elsewhere (float32 here where PyTorch gives bool).
   * Carries no gradient.
   *
   * @param o the other tensor; the two shapes broadcast
   * @return a 0/1 tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor eq(Tensor o) { return Arithmetic.compare("eq", BinaryOp.EQ, this, o); }

  /**
   * Element-wise {@code this > o}, like {@code torch.gt}: 1 where true, 0 elsewhere. Carries no gradient.
   *
   * @param o the other tensor; the two shapes broadcast
   * @return a 0/1 tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor gt(Tensor o) { return Arithmetic.compare("gt", BinaryOp.GT, this, o); }

  /**
   * Element-wise {@code this < o}, like {@code torch.lt}: 1 where true, 0 elsewhere. Carries no gradient.
   *
   * @param o the other tensor; the two shapes broadcast
   * @return a 0/1 tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor lt(Tensor o) { return Arithmetic.compare("lt", BinaryOp.LT, this, o); }

  /**
   * Element-wise {@code this >= o}, like {@code torch.ge}: 1 where true, 0 elsewhere. Carries no gradient.
   *
   * @param o the other tensor; the two shapes broadcast
   * @return a 0/1 tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor ge(Tensor o) { return Arithmetic.compare("ge", BinaryOp.GE, this, o); }

  /**
   * Element-wise {@code this <= o}, like {@code torch.le}: 1 where true, 0 elsewhere. Carries no gradient.
   *
   * @param o the other tensor; the two shapes broadcast
   * @return a 0/1 tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public Tensor le(Tensor o) { return Arithmetic.compare("le", BinaryOp.LE, this, o); }

  /**
   * 1 where an element is greater than {@code s}, else 0, like {@code t > s}. Carries no gradient.
   *
   * @param s the threshold
   * @return a 0/1 tensor of this shape
   */
  public Tensor gt(float s) { return gt(scalar(s)); }

  /**
   * 1 where an element is less than {@code s}, else 0, like {@code t < s}. Carries no gradient.
   *
   * @param s the threshold
   * @return a 0/1 tensor of this shape
   */
  public Tensor lt(float s) { return lt(scalar(s)); }

  /**
   * 1 where an element equals {@code s}, else 0, like {@code t == s} (e.g. {@code pred.eq(3f)}). Carries no gradient.
   *
   * @param s the value to compare with
   * @return a 0/1 tensor of this shape
   */
  public Tensor eq(float s) { return eq(scalar(s)); }

  /**
   * 1 where an element is at least {@code s}, else 0, like {@code t >= s}. Carries no gradient.
   *
   * @param s the threshold
   * @return a 0/1 tensor of this shape
   */
  public Tensor ge(float s) { return ge(scalar(s)); }

  /**
   * 1 where an element is at most {@code s}, else 0, like {@code t <= s}. Carries no gradient.
   *
   * @param s the threshold
   * @return a 0/1 tensor of this shape
   */
  public Tensor le(float s) { return le(scalar(s)); }

  // =====================================================================================================
  // Activations (ops/Activations)

  /**
   * The logistic function 1 / (1 + e^-x) of each element, like {@code torch.sigmoid}.
   *
   * @return values in (0, 1), of this shape
   */
  public Tensor sigmoid() { return Activations.sigmoid(this); }

  /**
   * Hyperbolic tangent of each element, like {@code torch.tanh}.
   *
   * @return values in (-1, 1), of this shape
   */
  public Tensor tanh() { return Activations.tanh(this); }

  /**
   * max(x, 0) of each element, like {@code torch.relu}; the gradient at 0 is 0, as in PyTorch.
   *
   * @return the rectified values, of this shape
   */
  public Tensor relu() { return Activations.relu(this); }

  /**
   * x where x &gt; 0, else {@code negativeSlope * x}, like {@code torch.nn.functional.leaky_relu}.
   *
   * @param negativeSlope the slope for negative inputs (PyTorch's default is 0.01)
   * @return the activated values, of this shape
   */
  public Tensor leakyRelu(float negativeSlope) { return Activations.leakyRelu(this, negativeSlope); }

  /**
   * Exact GELU, x * Φ(x) with Φ the standard normal CDF, as PyTorch's default {@code F.gelu(x)}.
   *
   * @return the activated values, of this shape
   */
  public Tensor gelu() { return Activations.gelu(this, false); }

  /**
   * GELU, with the tanh approximation when {@code tanhApprox} (PyTorch's {@code approximate='tanh'}, GPT-2's form).
   *
   * @param tanhApprox true for 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))), false for the exact x * Φ(x)
   * @return the activated values, of this shape
   */
  public Tensor gelu(boolean tanhApprox) { return Activations.gelu(this, tanhApprox); }

  /**
   * log(1 + e^x) of each element, like {@code F.softplus} with beta 1 and threshold 20 (x itself above 20).
   *
   * @return the activated values, of this shape
   */
  public Tensor softplus() { return Activations.softplus(this, 1f, 20f); }

  /**
   * Softmax along {@code dim}, like {@code torch.softmax(t, dim)}: each slice along the dim is exponentiated and
   * normalised to sum to 1 (computed stably, by subtracting the slice's maximum).
   *
   * @param dim the dim to normalise over, negative counting from the last
   * @return probabilities of this shape
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor softmax(int dim) { return Activations.softmax(this, dim); }

  /**
   * Log of the softmax along {@code dim}, like {@code torch.log_softmax}, computed without forming the softmax (stable
   * for large logits); pair with {@code nllLoss} for cross-entropy.
   *
   * @param dim the dim to normalise over, negative counting from the last
   * @return log-probabilities of this shape
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor logSoftmax(int dim) { return Activations.logSoftmax(this, dim); }

  // =====================================================================================================
  // Reductions (ops/Reduce)

  /**
   * The sum of all elements, like {@code torch.sum(t)}.
   *
   * @return a 0-dimensional tensor
   */
  public Tensor sum() { return Reduce.sum(this, null, false); }

  /**
   * Sums along one dim and removes it, like {@code torch.sum(t, dim)}.
   *
   * @param dim the dim to sum over, negative counting from the last
   * @return a tensor with that dim removed
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor sum(int dim) { return Reduce.sum(this, new int[] {dim}, false); }

  /**
   * Sums along several dims, like {@code torch.sum(t, dims, keepdim)}.
   *
   * @param dims the dims to sum over, negative counting from the last (null: all of them)
   * @param keepDim keep the summed dims with size 1, so the result broadcasts against this tensor
   * @return the sums
   * @throws IllegalArgumentException if a dim is out of range or repeated
   */
  public Tensor sum(int[] dims, boolean keepDim) { return Reduce.sum(this, dims, keepDim); }

  /**
   * The mean of all elements, like {@code torch.mean(t)}.
   *
   * @return a 0-dimensional tensor (NaN for an empty tensor)
   */
  public Tensor mean() { return Reduce.mean(this, null, false); }

  /**
   * Means along one dim, removing it, like {@code torch.mean(t, dim)}.
   *
   * @param dim the dim to average over, negative counting from the last
   * @return a tensor with that dim removed
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor mean(int dim) { return Reduce.mean(this, new int[] {dim}, false); }

  /**
   * Means along several dims, like {@code torch.mean(t, dims, keepdim)}.
   *
   * @param dims the dims to average over, negative counting from the last (null: all of them)
   * @param keepDim keep the reduced dims with size 1
   * @return the means
   * @throws IllegalArgumentException if a dim is out of range or repeated
   */
  public Tensor mean(int[] dims, boolean keepDim) { return Reduce.mean(this, dims, keepDim); }

  /**
   * The largest element, like {@code torch.max(t)}; the gradient goes to the largest element (split evenly on ties).
   *
   * @return a 0-dimensional tensor
   */
  public Tensor max() { return Reduce.max(this, null, false); }

  /**
   * The largest values along one dim, removing it, like {@code torch.amax(t, dim)} (values only; {@link #argmax(int)}
   * gives the positions).
   *
   * @param dim the dim to reduce, negative counting from the last
   * @return a tensor with that dim removed
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor max(int dim) { return Reduce.max(this, new int[] {dim}, false); }

  /**
   * The largest values along several dims, like {@code torch.amax(t, dims, keepdim)}.
   *
   * @param dims the dims to reduce, negative counting from the last (null: all of them)
   * @param keepDim keep the reduced dims with size 1
   * @return the maxima
   * @throws IllegalArgumentException if a dim is out of range or repeated
   */
  public Tensor max(int[] dims, boolean keepDim) { return Reduce.max(this, dims, keepDim); }

  /**
   * The smallest element, like {@code torch.min(t)}.
   *
   * @return a 0-dimensional tensor
   */
  public Tensor min() { return Reduce.min(this, null, false); }

  /**
   * The smallest values along one dim, removing it, like {@code torch.amin(t, dim)}.
   *
   * @param dim the dim to reduce, negative counting from the last
   * @return a tensor with that dim removed
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor min(int dim) { return Reduce.min(this, new int[] {dim}, false); }

  /**
   * The smallest values along several dims, like {@code torch.amin(t, dims, keepdim)}.
   *
   * @param dims the dims to reduce, negative counting from the last (null: all of them)
   * @param keepDim keep the reduced dims with size 1
   * @return the minima
   * @throws IllegalArgumentException if a dim is out of range or repeated
   */
  public Tensor min(int[] dims, boolean keepDim) { return Reduce.min(this, dims, keepDim); }

  /**
   * Unbiased variance of all elements (correction 1, dividing by n - 1), as {@code torch.var}'s default.
   *
   * @return a 0-dimensional tensor
   */
  public Tensor var() { return Reduce.var(this, null, 1, false); }

  /**
   * Unbiased variance along one dim, removing it, like {@code torch.var(t, dim)}.
   *
   * @param dim the dim to reduce, negative counting from the last
   * @return a tensor with that dim removed
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor var(int dim) { return Reduce.var(this, new int[] {dim}, 1, false); }

  /**
   * Variance along several dims, like {@code torch.var(t, dims, correction=correction, keepdim=keepDim)}.
   *
   * @param dims the dims to reduce, negative counting from the last (null: all of them)
   * @param correction subtracted from the element count in the divisor: 1 for the unbiased estimate, 0 for the
   *     population variance (what normalisation layers use)
   * @param keepDim keep the reduced dims with size 1
   * @return the variances
   * @throws IllegalArgumentException if a dim is out of range or repeated
   */
  public Tensor var(int[] dims, int correction, boolean keepDim) { return Reduce.var(this, dims, correction, keepDim); }

  /**
   * Index of the largest element of the flattened tensor, like {@code torch.argmax(t)} (first one on ties). No
   * gradient.
   *
   * @return a 0-dimensional INT64 tensor
   */
  public Tensor argmax() { return Reduce.argmax(this, null, false); }

  /**
   * Positions of the largest values along {@code dim}, like {@code torch.argmax(t, dim)}: {@code logits.argmax(1)}
   * gives
   * the predicted classes. No gradient.
   *
   * @param dim the dim to search, negative counting from the last
   * @return an INT64 tensor with that dim removed
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor argmax(int dim) { return Reduce.argmax(this, dim, false); }

  /**
   * Positions of the largest values along {@code dim}, like {@code torch.argmax(t, dim, keepdim)}. No gradient.
   *
   * @param dim the dim to search, negative counting from the last
   * @param keepDim keep that dim with size 1
   * @return an INT64 tensor of indices
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor argmax(int dim, boolean keepDim) { return Reduce.argmax(this, dim, keepDim); }

  /**
   * Positions of the smallest values along {@code dim}, like {@code torch.argmin(t, dim)}. No gradient.
   *
   * @param dim the dim to search, negative counting from the last
   * @return an INT64 tensor with that dim removed
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor argmin(int dim) { return Reduce.argmin(this, dim, false); }

  // =====================================================================================================
  // Linear algebra (ops/Linalg)

  /**
   * Matrix product, like {@code torch.matmul}: dot product of two vectors, matrix-vector, [n, k] × [k, m] → [n, m], and
   * batched products [..., n, k] × [..., k, m] → [..., n, m] with the batch dims broadcast.
   *
   * @param o the right-hand operand; its second-to-last dim (its only dim, for a vector) must match this one's last
   * @return the product
   * @throws IllegalArgumentException if either tensor is 0-dimensional, the inner sizes differ, or the batch dims do
   *     not broadcast
   */
  public Tensor matmul(Tensor o) { return Linalg.matmul(this, o); }

  // =====================================================================================================
  // Views and shape (ops/Views): no copy where the strides allow

  /**
   * The same elements in a new shape, like {@code torch.reshape}: a view sharing storage when the strides allow, else a
   * copy. One size may be -1, inferred from the others: {@code x.reshape(n, -1)}.
   *
   * @param shape the new sizes; their product must equal {@link #numel()}
   * @return a tensor of the new shape
   * @throws IllegalArgumentException if the element counts differ or more than one size is -1
   */
  public Tensor reshape(int... shape) { return Views.reshape(this, shape); }

  /**
   * As {@link #reshape}, like {@code torch.Tensor.view}, but never copies: it fails instead when the strides cannot
   * express the new shape (call {@link #contiguous()} first, or use reshape).
   *
   * @param shape the new sizes, one of them may be -1; their product must equal {@link #numel()}
   * @return a view of the new shape sharing this tensor's storage
   * @throws IllegalArgumentException if the element counts differ or the layout needs a copy
   */
  public Tensor view(int... shape) { return Views.view(this, shape); }

  /**
   * All dims merged into one, like {@code torch.flatten(t)}.
   *
   * @return a 1-D tensor of {@link #numel()} elements (a view when the layout allows)
   */
  public Tensor flatten() { return Views.flatten(this, 0, -1); }

  /**
   * Dims {@code startDim} to {@code endDim} (inclusive) merged into one, like {@code torch.flatten(t, start_dim,
   * end_dim)}.
   *
   * @param startDim the first dim to merge, negative counting from the last
   * @param endDim the last dim to merge, negative counting from the last
   * @return the flattened tensor (a view when the layout allows)
   * @throws IllegalArgumentException if a dim is out of range or {@code startDim} comes after {@code endDim}
   */
  public Tensor flatten(int startDim, int endDim) { return Views.flatten(this, startDim, endDim); }

  /**
   * Flattens dims {@code startDim} to the last, as {@code torch.flatten(x, start_dim)}: {@code x.flatten(1)} turns
   * [N, C, H, W] into [N, C*H*W].
   *
   * @param startDim the first dim to merge, negative counting from the last
   * @return the flattened tensor (a view when the layout allows)
   * @throws IllegalArgumentException if {@code startDim} is out of range
   */
  public Tensor flatten(int startDim) { return Views.flatten(this, startDim, -1); }

  /**
   * Removes every dim of size 1, like {@code torch.squeeze(t)}.
   *
   * @return a view without the size-1 dims
   */
  public Tensor squeeze() { return Views.squeeze(this); }

  /**
   * Removes {@code dim} if its size is 1 (otherwise returns the same shape), like {@code torch.squeeze(t, dim)}.
   *
   * @param dim the dim to remove, negative counting from the last
   * @return a view
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

  /**
   * Inserts a dim of size 1 at {@code dim}, like {@code torch.unsqueeze}: {@code v.unsqueeze(0)} makes a row [1, n].
   *
   * @param dim where the new dim goes in the result, from -(dim()+1) to dim()
   * @return a view with one more dim
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

  /**
   * Swaps two dims, like {@code torch.transpose}; a view, usually not contiguous.
   *
   * @param d0 one dim, negative counting from the last
   * @param d1 the other dim
   * @return a view with the two sizes (and strides) exchanged
   * @throws IllegalArgumentException if a dim is out of range
   */
  public Tensor transpose(int d0, int d1) { return Views.transpose(this, d0, d1); }

  /**
   * Transpose of the last two dims (PyTorch's {@code mT}; for 2-D, {@code .T}).
   *
   * @return a view with the last two dims swapped
   * @throws IllegalArgumentException if this tensor has fewer than two dims
   */
  public Tensor mT() { return Views.transpose(this, -2, -1); }

  /**
   * Reorders the dims, like {@code torch.permute}: {@code x.permute(0, 2, 3, 1)} turns NCHW into NHWC.
   *
   * @param dims a permutation of 0..dim()-1 (negative values count from the last): result dim i is this tensor's
   *     dim {@code dims[i]}
   * @return a view with the dims reordered
   * @throws IllegalArgumentException if {@code dims} is not a permutation of this tensor's dims
   */
  public Tensor permute(int... dims) { return Views.permute(this, dims); }

  /**
   * Repeats size-1 dims to a larger shape without copying, like {@code torch.Tensor.expand}; new leading dims may be
   * added, and -1 keeps a dim's size. Gradients of the copies are summed back.
   *
   * @param shape the target sizes
   * @return a view in which the expanded dims have stride 0
   * @throws IllegalArgumentException if a dim of size other than 1 would change size
   */
  public Tensor expand(int... shape) { return Views.expand(this, shape); }

  /**
   * {@code length} consecutive elements along {@code dim} from {@code start}, like {@code torch.narrow}; a range
   * past the end of the dim is clipped, as slicing clips it (where torch.narrow refuses it).
   *
   * @param dim the dim to cut, negative counting from the last
   * @param start the first index kept, negative counting from the end of the dim
   * @param length how many indices to keep
   * @return a view
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public Tensor narrow(int dim, int start, int length) { return Views.slice(this, dim, start, start + length, 1); }

  /**
   * Elements start, start+step, ... below end along dim (Python's {@code x[..., start:end:step]}).
   *
   * @param dim the dim to slice, negative counting from the last
   * @param start the first index, negative counting from the end of the dim
   * @param end the exclusive end, negative counting from the end (clamped to the dim's size, as Python does)
   * @param step the positive stride between kept indices
   * @return a view
   * @throws IllegalArgumentException if {@code dim} is out of range or {@code step} is not positive
   */
  public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

  /**
   * The sub-tensor at {@code index} along {@code dim}, with that dim removed, like {@code torch.select} or
   * {@code x[:, index]}.
   *
   * @param dim the dim to index, negative counting from the last
   * @param index the position, negative counting from the end of the dim
   * @return a view with one dim fewer
   * @throws IllegalArgumentException if {@code dim} is out of range
   * @throws IndexOutOfBoundsException if {@code index} is out of range for the dim
   */
  public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

  /**
   * This tensor if its layout is row-major, else a row-major copy, like {@code torch.Tensor.contiguous()}; gradients
   * flow through the copy.
   *
   * @return a contiguous tensor with the same values
   */
  public Tensor contiguous() { return Views.contiguous(this); }

  /**
   * Sums this (a broadcast result) back down to {@code shape}: the backward of broadcasting, like PyTorch's internal
   * {@code sum_to_size}.
   *
   * @param shape a shape that broadcasts to this tensor's shape
   * @return the sums over the broadcast dims, of {@code shape}
   * @throws IllegalArgumentException if {@code shape} does not broadcast to this shape
   */
  public Tensor sumTo(int... shape) { return Reduce.sumTo(this, shape); }

  // =====================================================================================================
  // Joining and indexing (ops/Joins, ops/Indexing)

  /**
   * Joins tensors along an existing dim, like {@code torch.cat(tensors, dim)}.
   *
   * @param dim the dim to join along, negative counting from the last
   * @param tensors at least one tensor; all have the same shape except along {@code dim}
   * @return a new tensor whose {@code dim} is the sum of theirs
   * @throws IllegalArgumentException if no tensor is given, ranks differ, or the other dims do not match
   */
  public static Tensor cat(int dim, Tensor... tensors) { return Joins.cat(dim, tensors); }

  /**
   * Joins a list of tensors along an existing dim, like {@code torch.cat(tensors, dim)} (PyTorch's argument order).
   *
   * @param tensors at least one tensor; all have the same shape except along {@code dim}
   * @param dim the dim to join along, negative counting from the last
   * @return a new tensor whose {@code dim} is the sum of theirs
   * @throws IllegalArgumentException if the list is empty, ranks differ, or the other dims do not match
   */
  public static Tensor cat(List<Tensor> tensors, int dim) { return Joins.cat(dim, tensors.toArray(new Tensor[0])); }

  /**
   * Joins tensors of equal shape along a new dim, like {@code torch.stack(tensors, dim)}: stacking n [3, 4] tensors
   * at 0
   * gives [n, 3, 4].
   *
   * @param dim where the new dim goes in the result, from -(rank+1) to rank
   * @param tensors at least one tensor, all of the same shape
   * @return a new tensor with one more dim, of size {@code tensors.length}
   * @throws IllegalArgumentException if no tensor is given or the shapes differ
   */
  public static Tensor stack(int dim, Tensor... tensors) { return Joins.stack(dim, tensors); }

  /**
   * Pads with a constant, as {@code F.pad(x, pads, value=value)}: {@code pads} holds (before, after) pairs starting
   * from
   * the last dim, so {@code {1, 1, 2, 2}} adds one column on each side and two rows above and below.
   *
   * @param pads an even number of non-negative amounts, at most two per dim
   * @param value the value of the added elements
   * @return a new, larger tensor
   * @throws IllegalArgumentException if {@code pads} has an odd length, more pairs than dims, or a negative amount
   */
  public Tensor pad(int[] pads, float value) { return Joins.pad(this, pads, value); }

  /**
   * Pads with zeros, as {@code F.pad(x, pads)}.
   *
   * @param pads (before, after) pairs starting from the last dim
   * @return a new, larger tensor
   * @throws IllegalArgumentException if {@code pads} has an odd length, more pairs than dims, or a negative amount
   */
  public Tensor pad(int... pads) { return Joins.pad(this, pads, 0f); }

  /**
   * The slices at the given positions along {@code dim}, in that order, like {@code torch.index_select}; an index may
   * repeat (gradients of repeats are summed).
   *
   * @param dim the dim to index, negative counting from the last
   * @param index the positions to take
   * @return a tensor whose {@code dim} has {@code index.length} entries
   * @throws IllegalArgumentException if {@code dim} is out of range
   * @throws IndexOutOfBoundsException if a position is out of range
   */
  public Tensor indexSelect(int dim, int... index) { return Indexing.indexSelect(this, dim, index); }

  /**
   * As {@link #indexSelect(int, int...)} with the positions in a 1-D tensor (INT64, or float holding whole numbers),
   * like
   * {@code torch.index_select(t, dim, index)}; an embedding lookup is {@code weight.indexSelect(0, tokens)}.
   *
   * @param dim the dim to index, negative counting from the last
   * @param index a 1-D tensor of positions
   * @return a tensor whose {@code dim} has {@code index.numel()} entries
   * @throws IllegalArgumentException if {@code dim} is out of range or {@code index} is not 1-D or not whole
   * @throws IndexOutOfBoundsException if a position is out of range
   */
  public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

  /**
   * Picks one element per position along {@code dim}, like {@code torch.gather}: {@code out[i][j] =
   * this[i][index[i][j]]}
   * for dim 1; {@code logProbs.gather(1, targets.unsqueeze(1))} reads each row's target log-probability.
   *
   * @param dim the dim to pick along, negative counting from the last
   * @param index positions (INT64, or float holding whole numbers), of the same rank as this tensor and no larger in
   *     the other dims
   * @return a tensor of {@code index}'s shape
   * @throws IllegalArgumentException if {@code dim} is out of range or the ranks or sizes do not fit
   * @throws IndexOutOfBoundsException if a position is out of range
   */
  public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }
}
