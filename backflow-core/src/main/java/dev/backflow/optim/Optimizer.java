package dev.backflow.optim;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, as torch.optim.Optimizer: parameter groups, per-parameter
 * state, {@link #zeroGrad()} and {@link #step()}. Parameters without a gradient are skipped.
 */
public abstract class Optimizer {
  private final List<ParamGroup> groups = new ArrayList<>();
  /** Per-parameter state tensors by name ("exp_avg", "momentum_buffer", ...), as PyTorch's optimizer state. */
  protected final Map<Tensor, Map<String, Tensor>> state = new IdentityHashMap<>();
  /** The number of steps taken (what bias corrections count). */
  protected long steps;

  /**
   * An optimizer over parameter groups, each with its own learning rate and weight decay.
   * @param groups the parameter groups; none may be empty, and no parameter may appear twice
   * @throws IllegalArgumentException if there are no groups, a group is empty, or a parameter is listed twice
   */
  protected Optimizer(List<ParamGroup> groups) {
    if (groups.isEmpty()) throw new IllegalArgumentException("optimizer: no parameter groups");
    // a parameter listed twice would be stepped twice per step()
    Map<Tensor, Boolean> seen = new IdentityHashMap<>();
    for (ParamGroup g : groups) {
      if (g.params().isEmpty()) {
        throw new IllegalArgumentException("optimizer: got an empty parameter list (did the model register its parameters?)");
      }
      for (Tensor p : g.params()) {
        if (seen.put(p, Boolean.TRUE) != null) {
          throw new IllegalArgumentException("optimizer: a parameter of shape " + java.util.Arrays.toString(p.shape())
              + " is listed more than once; each parameter must appear in one group, once");
        }
      }
    }
    this.groups.addAll(groups);
  }

  /**
   * The parameter groups (optimizer.param_groups), whose learning rates schedules set.
   * @return the groups, in order; changing a group's learning rate takes effect at the next {@link #step()}
   */
  public List<ParamGroup> paramGroups() {
    return groups;
  }

  /** Clears every parameter's gradient (optimizer.zero_grad()). */
  public void zeroGrad() {
    for (ParamGroup g : groups) for (Tensor p : g.params()) p.zeroGrad();
  }

  /** One update of every parameter that has a gradient. */
  public final void step() {
    steps++;
    try (var g = Autograd.noGrad()) {
      for (ParamGroup group : groups) {
        for (Tensor p : group.params()) {
          if (p.grad() == null) continue;
          update(p, p.grad(), group, state.computeIfAbsent(p, k -> new LinkedHashMap<>()));
        }
      }
    }
  }

  /**
   * Steps taken so far.
   * @return how many times {@link #step()} has run (or the count restored by {@link #setStepCount})
   */
  public long stepCount() {
    return steps;
  }

  /**
   * Updates one parameter in place from its gradient, its group's settings and its state {@code s}.
   * Runs with gradient recording off; implementations update {@code p} with in-place ops.
   *
   * @param p the parameter to update
   * @param grad its gradient, of {@code p}'s shape
   * @param group the group it belongs to: learning rate and weight decay
   * @param s its state, empty at its first step; entries put here persist to the next step
   */
  protected abstract void update(Tensor p, Tensor grad, ParamGroup group, Map<String, Tensor> s);

  /**
   * State of one parameter (empty before its first step).
   * PyTorch's {@code optimizer.state[p]}.
   *
   * @param p a parameter of this optimizer
   * @return its state tensors by name; an empty map if it has not been stepped
   */
  public Map<String, Tensor> stateOf(Tensor p) {
    return state.getOrDefault(p, Map.of());
  }

  /**
   * Restores state for a parameter (used by checkpoint loading). Each state tensor must have the parameter's
   * shape or hold one value (a step count), so a mismatched file fails here and not inside the next step.
   * @param p the parameter the state belongs to
   * @param s its state tensors by name, replacing any it has
   * @throws IllegalArgumentException if a state tensor holds more than one value and its shape is not {@code p}'s
   */
  public void setState(Tensor p, Map<String, Tensor> s) {
    for (Map.Entry<String, Tensor> e : s.entrySet()) {
      Tensor t = e.getValue();
      if (t.numel() != 1 && !java.util.Arrays.equals(t.shape(), p.shape())) {
        throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' has shape " + java.util.Arrays.toString(t.shape())
            + " but its parameter has shape " + java.util.Arrays.toString(p.shape()));
      }
    }
    state.put(p, new LinkedHashMap<>(s));
  }

  /**
   * Restores the step count (used by checkpoint loading).
   * @param stepCount the number of steps already taken, which bias corrections continue from
   */
  public void setStepCount(long stepCount) {
    steps = stepCount;
  }

  /**
   * A zero tensor shaped like p, created on first use.
   * @param s a parameter's state
   * @param name the state entry's name, e.g. {@code "exp_avg"}
   * @param p the parameter, whose shape the buffer takes
   * @return the entry, created as zeros if absent
   */
  protected static Tensor buffer(Map<String, Tensor> s, String name, Tensor p) {
    return s.computeIfAbsent(name, k -> Tensor.zerosLike(p));
  }
}
