package dev.backflow.spark;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Module;
import dev.backflow.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model objects of an executor JVM, kept between steps so a step costs a parameter copy and not a model
 * construction. Tasks that run at once in one JVM (local[2], or an executor with several cores) each borrow
 * their own replica: a model's gradients and activations cannot be shared by two backward passes.
 */
final class ReplicaPool {
  /** Runs kept at most (a JVM that outlives a run, as in local mode, forgets the oldest). */
  private static final int RUNS = 4;
  private static final Map<String, Deque<Replica>> POOLS = new LinkedHashMap<>(16, 0.75f, true);

  private ReplicaPool() {}

  static final class Replica {
    final Module model;
    final List<Tensor> params;
    long version = -1;

    Replica(Module model) {
      this.model = model;
      this.params = model.parameters();
    }

    /** Makes the model hold {@code p}'s values (a no-op when it already does). */
    void load(ParameterVersion p) {
      if (version == p.version()) return;
      int offset = 0;
      try (var g = Autograd.noGrad()) {
        for (Tensor t : params) {
          int n = t.numel();
          if (offset + n > p.values().length) throw mismatch(p);
          t.copy_(Tensor.of(Arrays.copyOfRange(p.values(), offset, offset + n), t.shape()));
          offset += n;
        }
      }
      if (offset != p.values().length) throw mismatch(p);
      version = p.version();
    }

    private IllegalStateException mismatch(ParameterVersion p) {
      long mine = 0;
      for (Tensor t : params) mine += t.numel();
      return new IllegalStateException("the ModelFactory built a model with " + mine + " parameter values on this executor, "
          + "but the driver's model has " + p.values().length + ": the factory must build the driver's architecture");
    }
  }

  private static synchronized Replica borrow(String run) {
    Deque<Replica> pool = POOLS.computeIfAbsent(run, r -> new ArrayDeque<>());
    while (POOLS.size() > RUNS) POOLS.remove(POOLS.keySet().iterator().next());
    return pool.pollFirst();
  }

  static Replica borrowOrCreate(String run, ModelFactory factory) {
    Replica r = borrow(run);
    // built outside the lock: construction can take a while and other tasks need not wait for it
    return r != null ? r : new Replica(factory.create());
  }

  static synchronized void giveBack(String run, Replica r) {
    Deque<Replica> pool = POOLS.get(run);
    if (pool != null) pool.addFirst(r);
  }
}
