package dev.backflow.autograd;

import dev.backflow.backend.NdArray;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Reverse-mode differentiation: one topological sort of the graph below the root, then one reverse
 * sweep in which each node's local rule turns dL/d(output) into dL/d(inputs). Each local gradient is
 * computed once and reused by everything upstream. Both passes are iterative, so a chain of any length
 * backpropagates without deepening the Java stack.
 *
 * <p>Small graphs skip the sort. Each thread keeps a tape: a plan filled as ops are recorded, in recording order (an
 * op's inputs exist before it, so that order is topological, as PyTorch's sequence numbers are). An op goes on it when
 * its output and every input that requires grad are small and each such input is a leaf or already on it; a plain
 * {@code backward()} from a tensor on the tape sweeps the tape from there down, and the tape starts afresh. Everything
 * else (large tensors, retainGraph, createGraph, {@code Autograd.grad}, a graph begun on another thread) walks the
 * graph. The walk on small graphs cost a sixth of an eager XOR step.
 */
public final class BackwardEngine {
  // A thread's tape holds at most this many slots (then it starts afresh) and only tensors of at most this many elements.
  static final int TAPE_CAP = 4096, TAPE_MAX_NUMEL = 1024;

  private BackwardEngine() {}

  /**
   * {@link #run(Tensor, Tensor, boolean, boolean)} without createGraph: what {@code Tensor.backward} calls.
   *
   * @param root the tensor to backpropagate from
   * @param seed dL/d(root), of root's shape; null for ones (one-element roots only)
   * @param retainGraph keep the graph usable for another backward pass
   * @throws IllegalStateException if {@code root} does not require grad, or the graph was freed by an earlier pass
   * @throws IllegalArgumentException if the seed's shape differs from root's, or it is null for a root of more than one
   *     element
   */
  public static void run(Tensor root, Tensor seed, boolean retainGraph) {
    run(root, seed, retainGraph, false);
  }

  /**
   * Backpropagates from {@code root} into the .grad of every leaf (and retained non-leaf) below it. With
   * {@code createGraph} the rules run with grad mode on, so the gradients are themselves recorded and can be
   * differentiated again; the graph they record refers to this one, so keep it with {@code retainGraph}.
   *
   * @param root the tensor to backpropagate from
   * @param seed dL/d(root), of root's shape; null for ones (one-element roots only)
   * @param retainGraph keep the graph usable for another backward pass
   * @param createGraph record the backward pass so that the gradients are differentiable
   * @throws IllegalStateException if {@code root} does not require grad, or the graph was freed by an earlier pass
   * @throws IllegalArgumentException if the seed's shape differs from root's, or it is null for a root of more than one
   *     element
   */
  public static void run(Tensor root, Tensor seed, boolean retainGraph, boolean createGraph) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException("backward: this tensor does not require grad and has no grad_fn; "
          + "mark an input with requiresGrad(true) before computing it (or you are inside Autograd.noGrad())");
    }
    seed = seedFor("backward", root, seed, createGraph);
    Autograd.GradMode mode = Autograd.flag();
    Graph.TensorAccess tensors = Graph.access();
    Plan tape = mode.tape;
    int slot = tape == null || retainGraph || createGraph ? -1 : tape.slot(root, tensors);
    if (slot < 0) {
      sweep(List.of(root), List.of(seed), retainGraph, createGraph, null);
      return;
    }
    // The graph below the root was recorded on this thread's tape: its order is the order of recording, no walk needed.
    // The pass takes the tape; ops recorded meanwhile (by a hook) go on the spare.
    mode.tape = mode.spareTape;
    mode.spareTape = null;
    tape.rootSlots = tape.oneRoot;
    tape.oneRoot[0] = slot;
    try {
      sweep(tape, slot + 1, tensors, List.of(root), List.of(seed), false, false, null);
    } finally {
      tape.end();
      if (mode.spareTape == null) mode.spareTape = tape;
    }
  }

  /**
   * Puts {@code out}, just attached to a node that reads {@code inputs}, on the thread's tape when the tape can hold its
   * graph: out and every input that requires grad are small (the tape must never keep activations of size alive), and
   * every such input is a leaf or already on the tape. Otherwise out is left off, and so is everything computed from it
   * later: their backward walks the graph.
   */
  static void tape(Autograd.GradMode mode, Tensor out, Tensor[] inputs, Graph.TensorAccess tensors) {
    if (out.numel() > TAPE_MAX_NUMEL) return;
    Plan tape = mode.tape;
    if (tape == null) mode.tape = tape = new Plan();
    tape.append(out, inputs, tensors);
  }

  /**
   * d(outputs)/d(inputs) contracted with {@code gradOutputs} (null: ones for one-element outputs), returned instead of
   * accumulated: no tensor's .grad changes (PyTorch's torch.autograd.grad). {@link Autograd#grad} is the user's entry
   * point; its parameters are documented there.
   *
   * @param outputs the tensors to differentiate, each requiring grad
   * @param inputs the tensors to differentiate with respect to, each requiring grad
   * @param gradOutputs dL/d(output) for each output, or null for ones
   * @param createGraph record the backward pass so that the gradients are differentiable
   * @param retainGraph keep the forward graph usable for another backward pass
   * @param allowUnused give null for an input the outputs do not depend on, instead of an error
   * @return one gradient per input
   * @throws IllegalArgumentException if the arguments do not fit together (see {@link Autograd#grad})
   * @throws IllegalStateException if an output does not require grad or an input is unused without {@code allowUnused}
   */
  public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean createGraph,
                              boolean retainGraph, boolean allowUnused) {
    if (outputs.length == 0) throw new IllegalArgumentException("grad: no outputs to differentiate");
    if (gradOutputs != null && gradOutputs.length != outputs.length) {
      throw new IllegalArgumentException("grad: " + gradOutputs.length + " gradOutputs for " + outputs.length + " outputs");
    }
    List<Tensor> roots = new ArrayList<>(), seeds = new ArrayList<>();
    for (int i = 0; i < outputs.length; i++) {
      if (!outputs[i].requiresGrad()) {
        throw new IllegalStateException("grad: output " + i + " does not require grad and has no grad_fn; it does not "
            + "depend on any tensor that requires grad (or was computed inside Autograd.noGrad())");
      }
      roots.add(outputs[i]);
      seeds.add(seedFor("grad", outputs[i], gradOutputs == null ? null : gradOutputs[i], createGraph));
    }
    IdentityHashMap<Tensor, Tensor> wanted = new IdentityHashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].requiresGrad()) {
        throw new IllegalArgumentException("grad: input " + i + " (shape " + Arrays.toString(inputs[i].shape())
            + ") does not require grad, so it has no gradient; mark it with requiresGrad(true) before computing the outputs");
      }
      wanted.put(inputs[i], inputs[i]);
    }
    IdentityHashMap<Tensor, Tensor> captured = sweep(roots, seeds, retainGraph, createGraph, wanted);
    Tensor[] out = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      out[i] = captured.get(inputs[i]);
      if (out[i] == null && !allowUnused) {
        throw new IllegalStateException("grad: input " + i + " (shape " + Arrays.toString(inputs[i].shape()) + ") is not "
            + "used in computing the outputs; pass allowUnused=true to get null for it");
      }
    }
    return out;
  }

  private static Tensor seedFor(String what, Tensor root, Tensor seed, boolean createGraph) {
    if (seed == null) {
      if (root.numel() != 1) {
        throw new IllegalArgumentException(what + ": grad can be implicitly created only for scalar outputs, "
            + "but this tensor has shape " + Arrays.toString(root.shape())
            + "; call backward(seed) with a gradient of that shape, or reduce it first (sum(), mean())");
      }
      return Tensor.onesLike(root);
    }
    if (!Arrays.equals(seed.shape(), root.shape())) {
      throw new IllegalArgumentException(what + ": seed shape " + Arrays.toString(seed.shape())
          + " does not match the output shape " + Arrays.toString(root.shape()));
    }
    // With createGraph a seed that requires grad stays in the graph (a gradient of a gradient may depend on it).
    return createGraph ? seed : seed.detach();
  }

  /**
   * The reverse sweep. {@code wanted} null: accumulate into .grad (backward). Otherwise: return the gradients
   * of the wanted tensors and touch no .grad, propagating only along paths that reach a wanted tensor.
   */
  private static IdentityHashMap<Tensor, Tensor> sweep(List<Tensor> roots, List<Tensor> seeds, boolean retainGraph,
                                                        boolean createGraph, IdentityHashMap<Tensor, Tensor> wanted) {
    Graph.TensorAccess tensors = Graph.access();
    Plan plan = Plan.of(roots, tensors);
    try {
      return sweep(plan, plan.size, tensors, roots, seeds, retainGraph, createGraph, wanted);
    } finally {
      plan.end();
      // Without retainGraph the pass freed nodes, some of which the thread's tape may hold: it starts afresh, so that no
      // pass from the tape meets a freed node halfway through (the walk meets it before any gradient moves).
      Plan tape = Autograd.flag().tape;
      if (tape != null && !retainGraph) tape.end();
    }
  }

  /** The sweep over slots {@code size - 1 .. 0} of {@code plan}, whose root slots are set. */
  private static IdentityHashMap<Tensor, Tensor> sweep(Plan plan, int size, Graph.TensorAccess tensors, List<Tensor> roots,
                                                        List<Tensor> seeds, boolean retainGraph, boolean createGraph,
                                                        IdentityHashMap<Tensor, Tensor> wanted) {
    boolean[] reaches = wanted == null ? null : reachingWanted(plan, wanted);
    IdentityHashMap<Tensor, Tensor> captured = wanted == null ? null : new IdentityHashMap<>();
    Tensor[] pending = plan.pending;
    // Storage already handed to a leaf's grad (or owned by the caller, like the seed): a leaf that would
    // receive it again gets a copy, so no two grads ever share memory.
    IdentitySet<float[]> handedOut = new IdentitySet<>();
    boolean[][] needsByArity = new boolean[4][];
    boolean declared = false; // some freed node declared an intermediate for release
    GradientBuffers buffers = wanted == null && !createGraph
        ? GradientBuffers.forBackend(dev.backflow.backend.Backends.current(), tensors, plan.order, size) : null;
    for (int i = 0; i < roots.size(); i++) {
      int slot = plan.rootSlots[i];
      Tensor seed = seeds.get(i);
      if (buffers != null) buffers.pin(seed);
      addPending(pending, slot, seed, buffers);
      handedOut.add(Graph.array(seed).data());
    }
    try (var mode = createGraph ? Autograd.enableGrad() : Autograd.noGrad()) {
      for (int i = size - 1; i >= 0; i--) {
        Tensor g = pending[i];
        if (g == null) continue;
        pending[i] = null;
        Tensor t = plan.order[i];
        if (buffers != null && tensors.hasHooks(t)) {
          // A hook may keep what it is shown, or return a gradient that something else holds.
          buffers.pin(g);
          Tensor hooked = tensors.runHooks(t, g);
          buffers.pin(hooked);
          buffers.hold(hooked);
          buffers.drop(g);
          g = hooked;
        } else {
          g = tensors.runHooks(t, g);
        }
        Node node = t.gradFn();
        if (wanted != null) {
          if (wanted.containsKey(t)) captured.merge(t, g, Tensor::add);
        } else if (node == null || t.retainsGrad()) {
          if (createGraph) {
            accumulateRecorded(t, g, handedOut);
          } else {
            NdArray ga = Graph.array(g);
            boolean owned = ga.isWholeStorage() && handedOut.add(ga.data());
            if (owned && buffers != null) buffers.pin(g);
            tensors.accumulateGrad(t, g, owned);
          }
        }
        if (node == null) {
          if (buffers != null) buffers.drop(g);
          continue;
        }
        Tensor[] inputs = node.inputs();
        // Rules read their flags before returning and keep none, so one array per arity serves the whole pass.
        if (inputs.length >= needsByArity.length) needsByArity = Arrays.copyOf(needsByArity, inputs.length + 1);
        boolean[] needs = needsByArity[inputs.length];
        if (needs == null) needs = needsByArity[inputs.length] = new boolean[inputs.length];
        boolean any = false;
        for (int k = 0; k < inputs.length; k++) {
          int s = plan.inputSlot(i, k);
          needs[k] = s >= 0 && (reaches == null || reaches[s]);
          any |= needs[k];
        }
        if (!retainGraph) declared |= node.declaresRelease();
        if (!any) {
          if (!retainGraph) node.free();
          if (buffers != null) buffers.drop(g);
          continue;
        }
        Tensor[] grads;
        try {
          grads = node.apply(g, needs);
        } catch (AnomalyException e) {
          // an op inside the backward rule went non-finite: report the node being differentiated, not that op
          throw new AnomalyException("backward: " + node.name() + " produced a NaN or infinite gradient (inputs "
              + node.inputShapes() + ")" + (node.createdAt() != null ? "; the op was created at " + node.createdAt() : "")
              + "; inside its backward rule: " + e.getMessage().replaceFirst("; called at .*$", ""));
        }
        for (int k = 0; k < inputs.length; k++) {
          if (!needs[k] || grads[k] == null) continue;
          check(node, inputs[k], grads[k]);
          addPending(pending, plan.inputSlot(i, k), grads[k], buffers);
        }
        if (!retainGraph) node.free();
        // This tensor's gradient has gone through its rule: its array is free unless a pending gradient shares it.
        if (buffers != null) buffers.drop(g);
      }
    }
    if (buffers != null && declared) buffers.releaseIntermediates(plan.order, size);
    if (wanted != null) {
      // In the graph but every path's rule gave nothing (relu'' = 0): a zero gradient, not an unused input.
      for (int i = 0; i < size; i++) {
        Tensor t = plan.order[i];
        if (reaches[i] && wanted.containsKey(t) && !captured.containsKey(t)) captured.put(t, Tensor.zerosLike(t));
      }
    }
    return captured;
  }

  /**
   * The graph below the roots as arrays: the tensors that require grad in post-order (inputs before the tensors computed
   * from them) and, for each, the slots of its node's inputs (-1 for an input that needs no gradient). The sweep then
   * keeps pending gradients in an array indexed by slot, with no map lookups.
   *
   * <p>While it is built, each visited tensor carries a mark (this plan's token and its slot), which is how a tensor
   * reached by a second path is recognised without a map. Marks are only hints: a slot counts only if this plan's order
   * holds that very tensor there, so a mark torn by another thread's backward pass over a shared tensor (a parameter
   * two trainings share) is never believed. If another pass replaced a mark meanwhile, the tensor gets a second slot
   * here. Every consumer still points at a slot placed before it, so each slot's gradient is complete when the sweep
   * reaches it, and the two partial gradients add up in the leaf's .grad (a rule's output is linear in its incoming
   * gradient): the result is the same, only computed in two parts.
   */
  static final class Plan {
    Tensor[] order = new Tensor[16];
    // Tensor i's input slots are inputSlots[slotStart[i] .. slotStart[i + 1]): one flat array for the whole plan.
    int[] slotStart = new int[17];
    int[] inputSlots = new int[32];
    int[] rootSlots;
    int size;
    final int[] oneRoot = new int[1];
    // The pending gradients, by slot; part of the plan so that a reused plan brings its array along.
    Tensor[] pending = new Tensor[16];
    // Each thread's plan, reused by its passes one after another; a pass inside a pass (a hook that runs backward)
    // gets a fresh one.
    private static final ThreadLocal<Plan> MINE = ThreadLocal.withInitial(Plan::new);
    private boolean inUse;
    // A tape's input slots of the op being appended.
    private int[] scratch = new int[4];
    // Names this plan in marks; not the plan itself, so a mark left on a parameter holds no activations.
    private final Object token = new Object();

    /** See {@link BackwardEngine#tape}; this plan is a thread's tape, and out is small. */
    void append(Tensor out, Tensor[] inputs, Graph.TensorAccess tensors) {
      if (size >= TAPE_CAP) end();
      int n = inputs.length;
      if (scratch.length < n) scratch = new int[n];
      for (int k = 0; k < n; k++) {
        Tensor in = inputs[k];
        int s = -1;
        if (in.requiresGrad()) {
          s = slot(in, tensors);
          if (s < 0) {
            // Not on the tape: a leaf takes a slot here (one shared with another thread's tape may take a second one,
            // which is safe, see above); a computed tensor means this graph is not all on the tape.
            if (in.gradFn() != null || in.numel() > TAPE_MAX_NUMEL) return;
            s = add(in, scratch, 0, 0, tensors);
          }
        }
        scratch[k] = s;
      }
      add(out, scratch, 0, n, tensors);
    }

    int inputCount(int i) {
      return slotStart[i + 1] - slotStart[i];
    }

    int inputSlot(int i, int k) {
      return inputSlots[slotStart[i] + k];
    }

    static Plan of(List<Tensor> roots, Graph.TensorAccess tensors) {
      Plan plan = MINE.get();
      if (plan.inUse) plan = new Plan();
      plan.inUse = true;
      plan.rootSlots = roots.size() == 1 ? plan.oneRoot : new int[roots.size()];
      Walk w = Walk.mine();
      try {
        for (int r = 0; r < roots.size(); r++) {
          Tensor root = roots.get(r);
          int known = plan.slot(root, tensors);
          if (known < 0) {
            known = root.gradFn() == null ? plan.add(root, w.found, 0, 0, tensors) : plan.walk(root, w, tensors);
          }
          plan.rootSlots[r] = known;
        }
        return plan;
      } catch (RuntimeException | Error e) {
        // A freed node met on the way (a second backward without retainGraph): leave nothing of this graph behind.
        w.clear();
        plan.end();
        throw e;
      }
    }

    /**
     * Places the graph below {@code root} (a non-leaf with no slot yet) in post-order and returns root's slot. The stack
     * holds the tensors being visited and, beside each, its node's inputs, the index of the next one to visit and where
     * its inputs' slots start in {@code found}, a stack of int frames. Every input's entry is written when the walk
     * settles it (-1 for one that needs no gradient); slots come from the walk itself, never re-read from marks, which
     * another thread may change. Leaves take their slot on sight, with no frame.
     */
    private int walk(Tensor root, Walk w, Graph.TensorAccess tensors) {
      int top = 0;
      w.push(0, root, root.gradFn().inputs(), 0);
      int free = w.ins[0].length;
      while (true) {
        Tensor[] inputs = w.ins[top];
        int k = w.next[top];
        if (k < inputs.length) {
          w.next[top] = k + 1;
          Tensor in = inputs[k];
          int slot = -1;
          if (in.requiresGrad()) {
            // A DAG has no tensor on the stack as its own input, so "no slot yet" means "not yet visited" (or a mark
            // another pass replaced: then it is visited again and gets a second slot, which is safe).
            slot = slot(in, tensors);
            if (slot < 0) {
              Node node = in.gradFn();
              if (node != null) {
                Tensor[] ins = node.inputs();
                w.push(++top, in, ins, free);
                free += ins.length;
                continue;
              }
              slot = add(in, w.found, 0, 0, tensors);
            }
          }
          w.found[w.frame[top] + k] = slot;
        } else {
          int from = w.frame[top];
          int slot = add(w.stack[top], w.found, from, inputs.length, tensors);
          w.stack[top] = null;
          w.ins[top] = null;
          free = from;
          if (--top < 0) return slot;
          w.found[w.frame[top] + w.next[top] - 1] = slot;
        }
      }
    }

    /** Ends the pass: drops every tensor the plan refers to (a gradient left pending by a failed rule included). */
    void end() {
      Arrays.fill(order, 0, size, null);
      Arrays.fill(pending, 0, size, null);
      size = 0;
      inUse = false;
    }

    static int[] ensure(int[] a, int length) {
      return length <= a.length ? a : Arrays.copyOf(a, Math.max(length, 2 * a.length));
    }

    /** t's slot in this plan, or -1 if it has none (not visited, or its mark was replaced or torn by another pass). */
    private int slot(Tensor t, Graph.TensorAccess tensors) {
      if (tensors.sweepToken(t) != token) return -1;
      int slot = tensors.sweepSlot(t);
      return slot >= 0 && slot < size && order[slot] == t ? slot : -1;
    }

    private int add(Tensor t, int[] slots, int from, int count, Graph.TensorAccess tensors) {
      if (size == order.length) {
        order = Arrays.copyOf(order, 2 * size);
        pending = new Tensor[2 * size];
        slotStart = Arrays.copyOf(slotStart, 2 * size + 1);
      }
      int at = slotStart[size];
      inputSlots = ensure(inputSlots, at + count);
      System.arraycopy(slots, from, inputSlots, at, count);
      slotStart[size + 1] = at + count;
      order[size] = t;
      tensors.mark(t, token, size);
      return size++;
    }
  }

  /**
   * The plan walk's stacks, one set per thread and reused by every pass on it: the walk calls no user code, so it never
   * runs twice at once on a thread. Entries are cleared as frames pop, so no tensor outlives its pass here.
   */
  private static final class Walk {
    private static final ThreadLocal<Walk> MINE = ThreadLocal.withInitial(Walk::new);

    Tensor[] stack = new Tensor[16];
    Tensor[][] ins = new Tensor[16][];
    int[] next = new int[16], frame = new int[16];
    int[] found = new int[32];

    static Walk mine() {
      return MINE.get();
    }

    /** Forgets every frame (after a walk that stopped early, which left frames on the stack). */
    void clear() {
      Arrays.fill(stack, null);
      Arrays.fill(ins, null);
    }

    /** Frame {@code top}: tensor t, whose node reads {@code inputs}, their slots to be found from {@code at}. */
    void push(int top, Tensor t, Tensor[] inputs, int at) {
      if (top == stack.length) {
        stack = Arrays.copyOf(stack, 2 * top);
        ins = Arrays.copyOf(ins, 2 * top);
        next = Arrays.copyOf(next, 2 * top);
        frame = Arrays.copyOf(frame, 2 * top);
      }
      stack[top] = t;
      ins[top] = inputs;
      next[top] = 0;
      frame[top] = at;
      found = Plan.ensure(found, at + inputs.length);
    }
  }

  /**
   * .grad += g as recorded ops (createGraph), so the accumulated gradient can itself be differentiated. A
   * gradient whose storage someone else holds is first copied by a recorded clone, so grads never alias.
   */
  private static void accumulateRecorded(Tensor t, Tensor g, IdentitySet<float[]> handedOut) {
    Tensor prev = t.grad();
    if (prev != null) {
      t.setGrad(prev.add(g));
      return;
    }
    boolean owned = g.isContiguous() && Graph.array(g).data().length == g.numel()
        && handedOut.add(Graph.array(g).data());
    if (!owned || g.gradFn() == null && g.requiresGrad()) {
      NdArray copy = dev.backflow.backend.Backends.current().storage().copy(Graph.array(g));
      handedOut.add(copy.data());
      g = Graph.record("clone", copy, (gg, n) -> new Tensor[] {gg}, g);
    }
    t.setGrad(g);
  }

  /**
   * pending[s] += g (the first gradient to reach slot s is kept as it is), with the ledger, if any, told who holds
   * what: a sum's operands are done with once it is made.
   */
  private static void addPending(Tensor[] pending, int s, Tensor g, GradientBuffers buffers) {
    Tensor old = pending[s];
    pending[s] = old == null ? g : old.add(g);
    if (buffers == null) return;
    buffers.hold(pending[s]);
    if (old != null) {
      buffers.dropUnheld(g);
      buffers.drop(old);
    }
  }

  /** The slots from which some wanted tensor can be reached (inputs come before their users). */
  private static boolean[] reachingWanted(Plan plan, IdentityHashMap<Tensor, Tensor> wanted) {
    boolean[] reaches = new boolean[plan.size];
    for (int i = 0; i < plan.size; i++) {
      boolean r = wanted.containsKey(plan.order[i]);
      for (int k = 0; !r && k < plan.inputCount(i); k++) r = plan.inputSlot(i, k) >= 0 && reaches[plan.inputSlot(i, k)];
      reaches[i] = r;
    }
    return reaches;
  }

  private static void check(Node node, Tensor input, Tensor grad) {
    if (!Graph.storage(input).sameShape(Graph.storage(grad))) {
      throw new IllegalStateException("backward: " + node.name() + " returned a gradient of shape "
          + Arrays.toString(grad.shape()) + " for an input of shape " + Arrays.toString(input.shape()));
    }
    if (Autograd.isAnomalyEnabled() && !grad.isFinite()) {
      throw new AnomalyException("backward: " + node.name() + " produced a NaN or infinite gradient for its input of"
          + " shape " + Arrays.toString(input.shape()) + " (inputs " + node.inputShapes() + ")"
          + (node.createdAt() != null ? "; the op was created at " + node.createdAt() : ""));
    }
  }
}
