package dev.backflow.autograd;

import dev.backflow.backend.Backends;
import dev.backflow.backend.NdArray;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/**
 * Where the graph is recorded: every op calls {@link #record} with its value, its backward rule and its
 * inputs, and gets its result tensor back, with a node attached when grad mode is on and an input requires
 * grad. This is also where anomaly mode checks forward values, and the extension point for custom
 * differentiable ops (PyTorch's {@code autograd.Function}): compute a value with the backend's kernels (or
 * compose tensor ops) and record it with the rule that differentiates it.
 *
 * <p>Tensor stays the user's facade: the engine reaches a tensor's storage and gradient bookkeeping through
 * {@link TensorAccess}, which the tensor class installs once when it loads (the JDK's "shared secrets"
 * pattern), so none of it is a public member of {@code Tensor}.
 */
public final class Graph {
  private static volatile TensorAccess access;

  private Graph() {}

  /**
   * The result of op {@code opName}: wraps {@code value} and, when grad mode is on and an input requires grad,
   * records a
   * node with {@code backward}. {@code backward} may be null for ops that are not differentiable (comparisons, argmax).
   * With anomaly mode on, a non-finite value fails here, naming the op and the user's line.
   *
   * @param opName the op's name in messages and {@code grad_fn} (e.g. "mul" prints as MulBackward)
   * @param value the op's output as computed by the backend
   * @param backward the op's chain-rule step, or null for a non-differentiable op
   * @param inputs the tensors the op read, in the order {@code backward} returns their gradients
   * @return the output tensor, attached to the graph when it requires grad
   * @throws AnomalyException in anomaly mode, if {@code value} holds NaN or infinity
   */
  public static Tensor record(String opName, NdArray value, BackwardFn backward, Tensor... inputs) {
    TensorAccess a = access();
    Tensor out = a.wrap(value);
    if (Autograd.isAnomalyEnabled()) checkForward(opName, out, inputs);
    Autograd.GradMode mode = backward == null ? null : Autograd.recording();
    if (mode != null) {
      for (Tensor in : inputs) {
        if (in.requiresGrad()) {
          a.attach(out, new Node(opName, backward, inputs));
          BackwardEngine.tape(mode, out, inputs, a);
          break;
        }
      }
    }
    return out;
  }

  /**
   * Declares {@code t}, an intermediate a module computed inside its forward pass, as read by nothing but the graph: the
   * module neither returns it (nor a view of it) nor keeps it, and no hook was shown it. When a plain backward pass
   * ({@code backward()}, without retainGraph or createGraph) has consumed the whole graph below its root, t's storage
   * is handed back to the backend ({@code Backend.recycle}) for the next step's outputs, as PyTorch's allocator reuses an
   * activation once nothing refers to it. A fresh array costs the JVM a pass that zeroes it on the allocating thread,
   * in memory the collector last touched steps ago: on the bench's GPT step, twice the time of the GELU that then fills
   * it. No-op for a tensor outside a graph (grad mode off, or nothing requires grad).
   *
   * <p>Only for code that owns every use of {@code t}: Backflow's own modules (a transformer block's layer norms,
   * projections and residual sum). Anyone who walks the graph before backward and keeps such a tensor sees its values
   * change later.
   *
   * @param t a tensor the calling module computed and hands only to ops whose results are new arrays
   * @return t
   */
  public static Tensor releaseAfterBackward(Tensor t) {
    Node node = t.gradFn();
    if (node != null && Autograd.isGradEnabled()) node.markOutputReleasable();
    return t;
  }

  /**
   * Declares the storage of {@code saved}, which the op that computed {@code out} keeps for its backward rule only (it
   * is neither returned nor held anywhere else), as free once a plain backward pass has consumed the graph: it then goes
   * back to the backend, as {@link #releaseAfterBackward} does for a module's intermediates. No-op when {@code out} is
   * not in a graph.
   *
   * @param out the op's result, as {@link #record} returned it
   * @param saved a dense array the op computed and saved (attention's weights)
   */
  public static void releaseSavedAfterBackward(Tensor out, NdArray saved) {
    Node node = out.gradFn();
    if (node != null && saved.isWholeStorage()) {
      node.markSavedReleasable(saved.data());
    }
  }

  /**
   * A tensor over {@code value} that no op computed (a constant, a gradient from a kernel, loaded data).
   *
   * @param value the backend array, shared, not copied
   * @return a leaf tensor that does not require grad
   */
  public static Tensor constant(NdArray value) {
    return access().wrap(value);
  }

  /**
   * Called by a backward rule that has only a first-order kernel: under createGraph (grad mode on inside a backward
   * pass) it fails by name instead of returning a gradient that silently cannot be differentiated.
   *
   * @param opName the op whose rule is first-order only, for the message
   * @throws UnsupportedOperationException if grad mode is on, i.e. the backward pass is recording (createGraph)
   */
  public static void requireFirstOrder(String opName) {
    if (Autograd.isGradEnabled()) {
      throw new UnsupportedOperationException(opName + ": its backward rule is a first-order kernel only, so its "
          + "gradient cannot be differentiated again (createGraph); use the composite of primitive ops instead");
    }
  }

  /**
   * The float32 array a kernel reads for {@code t}: its own storage (shared), or, for an integer tensor, its values
   * converted to float32. This is the one place that decides what a float op does with an integer tensor: it promotes,
   * as PyTorch does for int + float (an int64 value beyond 2^24 rounds, as it does there). Dtype-preserving ops (views,
   * joins) and index readers use {@link #storage} instead.
   *
   * @param t the tensor an op reads
   * @return a float32 backend array with t's shape and values
   */
  public static NdArray array(Tensor t) {
    NdArray a = access().array(t);
    return a.isIntegral() ? Backends.current().storage().toFloat(a) : a;
  }

  /**
   * The backend array behind {@code t} as stored (shared, of any dtype): for views, joins and index readers.
   *
   * @param t the tensor
   * @return its storage, not copied
   */
  public static NdArray storage(Tensor t) {
    return access().array(t);
  }

  /**
   * Installs the tensor class's accessor; called once by {@code Tensor} when it loads. A second call is refused, so
   * nothing else can take over tensors' internals.
   *
   * @param accessor the tensor class's implementation
   * @throws IllegalStateException if an accessor is installed already
   */
  public static synchronized void install(TensorAccess accessor) {
    if (access != null) throw new IllegalStateException("Graph: the tensor accessor is installed already");
    access = accessor;
  }

  static TensorAccess access() {
    return Installed.ACCESS;
  }

  // Read once, as a constant: every op goes through the accessor, and the JIT inlines through a static final field
  // where it must reload a volatile one.
  private static final class Installed {
    static final TensorAccess ACCESS = load();

    private static TensorAccess load() {
      // Loading Tensor runs its static initializer, which installs the accessor.
      try {
        Class.forName(Tensor.class.getName(), true, Tensor.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      if (access == null) throw new IllegalStateException("Graph: Tensor did not install its accessor while loading");
      return access;
    }
  }

  private static void checkForward(String opName, Tensor out, Tensor[] inputs) {
    if (out.isFinite()) return;
    StringBuilder shapes = new StringBuilder();
    boolean inputsFinite = true;
    for (Tensor in : inputs) {
      if (shapes.length() > 0) shapes.append(" and ");
      shapes.append(Arrays.toString(in.shape()));
      inputsFinite &= in.isFinite();
    }
    throw new AnomalyException(opName + " produced NaN or infinity" + (inputs.length > 0 ? " from inputs of shape "
        + shapes : "") + (inputsFinite ? " that were all finite" : " (an input was already non-finite)")
        + "; called at " + CallSite.find());
  }

  /** What the engine needs of a tensor beyond its public API; implemented inside {@code Tensor}. */
  public interface TensorAccess {
    /**
     * A new leaf tensor over {@code value}.
     *
     * @param value the backend array, shared, not copied
     * @return the tensor
     */
    Tensor wrap(NdArray value);

    /**
     * The backend array behind {@code t}, as stored.
     *
     * @param t the tensor
     * @return its storage, shared
     */
    NdArray array(Tensor t);

    /**
     * Makes {@code out} the output of {@code node}: it requires grad and has node as its grad_fn.
     *
     * @param out the op's freshly wrapped result
     * @param node the recorded op
     */
    void attach(Tensor out, Node node);

    /**
     * Runs t's gradient hooks on an incoming gradient; a hook's non-null result replaces it.
     *
     * @param t the tensor whose hooks run
     * @param g the gradient backward computed for it
     * @return the gradient after the hooks
     */
    Tensor runHooks(Tensor t, Tensor g);

    /**
     * Whether t has gradient hooks (which may keep the gradients they see).
     *
     * @param t the tensor
     * @return true if a hook is registered on it
     */
    boolean hasHooks(Tensor t);

    /**
     * Adds g into t.grad(). {@code owned} says g's storage belongs to nobody else, so it can become the grad without a
     * copy; otherwise it is copied, so that grads never alias.
     *
     * @param t the leaf (or retained tensor) receiving the gradient
     * @param g the gradient to add, of t's shape
     * @param owned whether g's storage may be kept without a copy
     */
    void accumulateGrad(Tensor t, Tensor g, boolean owned);

    /**
     * The token of the backward pass that last marked {@code t}, or null.
     *
     * @param t the tensor
     * @return the engine's token, opaque to everything else
     */
    Object sweepToken(Tensor t);

    /**
     * The slot the backward pass that last marked {@code t} gave it.
     *
     * @param t the tensor
     * @return the slot (meaningful only to that pass, which checks it)
     */
    int sweepSlot(Tensor t);

    /**
     * Leaves the backward engine's mark on {@code t}: the pass's token and the tensor's slot in it.
     *
     * @param t the tensor
     * @param token the pass's token
     * @param slot the tensor's slot in that pass
     */
    void mark(Tensor t, Object token, int slot);
  }
}
