package dev.backflow.backend;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend that forwards every kernel call to another one and records it as a replayable step, for any
 * family and any method, without a hand-written mirror: each family is wrapped in a dynamic proxy. A
 * recorded call keeps its arguments (the very arrays it was given) and what it returned; a replay runs the
 * calls again in order and writes each fresh result into the recorded one, so the next call, which holds the
 * recorded array as its input, sees the new values. This is how {@code dev.backflow.train.CapturedStep}
 * replays a whole training step without rebuilding its graph.
 *
 * <p>Only what goes through the backend is replayed. Kernels marked {@link ReadByJava} (a flag or index
 * values that Java code acts on) are refused, since their use would stay frozen at capture.
 */
public final class RecordingBackend implements Backend {
  private final Backend inner;
  private final List<Runnable> calls = new ArrayList<>();
  private final StorageKernels storage;
  private final ElementwiseKernels elementwise;
  private final ReductionKernels reductions;
  private final LossKernels losses;
  private final LinalgKernels linalg;
  private final ConvolutionKernels convolution;
  private final PoolingKernels pooling;
  private final NormalizationKernels normalization;
  private final AttentionKernels attention;
  private final IndexingKernels indexing;
  private final OptimizerKernels optimizer;

  /**
   * A recorder over {@code inner}: every kernel call is run on inner and also kept for replay.
   *
   * @param inner the backend that computes
   */
  public RecordingBackend(Backend inner) {
    this.inner = inner;
    storage = record(StorageKernels.class, inner.storage());
    elementwise = record(ElementwiseKernels.class, inner.elementwise());
    reductions = record(ReductionKernels.class, inner.reductions());
    losses = record(LossKernels.class, inner.losses());
    linalg = record(LinalgKernels.class, inner.linalg());
    convolution = record(ConvolutionKernels.class, inner.convolution());
    pooling = record(PoolingKernels.class, inner.pooling());
    normalization = record(NormalizationKernels.class, inner.normalization());
    attention = record(AttentionKernels.class, inner.attention());
    indexing = record(IndexingKernels.class, inner.indexing());
    optimizer = record(OptimizerKernels.class, inner.optimizer());
  }

  /**
   * The recorded calls as one array, for the replay loop.
   *
   * @return the calls in the order they were made; running them again repeats the step on the same arrays
   */
  public Runnable[] recording() {
    return calls.toArray(new Runnable[0]);
  }

  /** {@code family} forwarding to {@code target}, each call recorded. */
  private <F> F record(Class<F> family, F target) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) return method.invoke(this, args);
      if (method.isAnnotationPresent(ReadByJava.class)) {
        throw new IllegalStateException("a captured step cannot branch on tensor values (" + method.getName()
            + ": its result is read by Java code, e.g. anomaly detection, a gradient scaler's overflow check or "
            + "index tensors); run that step eagerly instead");
      }
      Object result = call(method, target, args);
      calls.add(new Replay(method, target, args, result, inner.storage()));
      return result;
    };
    return family.cast(Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, handler));
  }

  private static Object call(Method method, Object target, Object[] args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw new IllegalStateException(cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One recorded kernel call: run it again and copy its fresh result into the recorded one. */
  private record Replay(Method method, Object target, Object[] args, Object recorded, StorageKernels storage)
      implements Runnable {
    @Override
    public void run() {
      refresh(call(method, target, args), recorded);
    }

    private void refresh(Object fresh, Object old) {
      if (fresh == old || old == null) return;
      if (old instanceof NdArray o) {
        NdArray f = (NdArray) fresh;
        if (f.isContiguous() && o.isContiguous() && !o.isIntegral()) System.arraycopy(f.data(), f.offset(), o.data(), o.offset(), o.size());
        else storage.copyInto(f, o);
      } else if (old instanceof NdArray[] o) {
        NdArray[] f = (NdArray[]) fresh;
        for (int i = 0; i < o.length; i++) refresh(f[i], o[i]);
      } else if (old instanceof PoolResult o) {
        PoolResult f = (PoolResult) fresh;
        refresh(f.values(), o.values());
        System.arraycopy(f.argmax(), 0, o.argmax(), 0, o.argmax().length);
      } else if (old.getClass().isArray()) {
        System.arraycopy(fresh, 0, old, 0, java.lang.reflect.Array.getLength(old));
      } else {
        throw new IllegalStateException("replay: " + method.getName() + " returned a " + old.getClass().getSimpleName()
            + ", which a replay cannot update in place");
      }
    }
  }

  @Override
  public String name() {
    return "recording(" + inner.name() + ")";
  }

  @Override
  public StorageKernels storage() {
    return storage;
  }

  @Override
  public ElementwiseKernels elementwise() {
    return elementwise;
  }

  @Override
  public ReductionKernels reductions() {
    return reductions;
  }

  @Override
  public LossKernels losses() {
    return losses;
  }

  @Override
  public LinalgKernels linalg() {
    return linalg;
  }

  @Override
  public ConvolutionKernels convolution() {
    return convolution;
  }

  @Override
  public PoolingKernels pooling() {
    return pooling;
  }

  @Override
  public NormalizationKernels normalization() {
    return normalization;
  }

  @Override
  public AttentionKernels attention() {
    return attention;
  }

  @Override
  public IndexingKernels indexing() {
    return indexing;
  }

  @Override
  public OptimizerKernels optimizer() {
    return optimizer;
  }
}
