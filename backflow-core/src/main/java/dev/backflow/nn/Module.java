package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A piece of a network, as torch.nn.Module: it declares its parameters (and sub-modules) in its
 * constructor and computes in {@link #forward}. Parameters are leaf tensors that require grad; buffers
 * are state that is saved but not trained (BatchNorm's running statistics).
 *
 * <p><b>Fields register themselves</b>, as attribute assignment does in PyTorch: a non-static field
 * holding a {@code Module}, or a leaf {@code Tensor} that requires grad, is registered under the field's
 * name the first time the module's structure is asked for ({@link #parameters()}, {@link #stateDict()},
 * {@link #toString()}, {@link #train(boolean)}, ...), in declaration order after anything registered
 * explicitly. So a layer assigned to a field cannot be lost:
 *
 * <pre>{@code
 * class Net extends Module {
 *   final Conv2d conv1 = new Conv2d(1, 16, 3);   // registered as "conv1"
 *   final Linear fc = new Linear(16 * 14 * 14, 10);
 *   public Tensor forward(Tensor x) { ... }
 * }
 * }</pre>
 *
 * A field marked {@code transient} is never registered (a back reference, a module borrowed from another
 * model). Modules kept in a {@code Collection}, an array or a {@code Map} field are refused with a pointer to
 * {@link ModuleList} and {@link ModuleDict}, which register their elements. Frozen parameters and buffers
 * still need {@link #registerParameter}/{@link #registerBuffer}: a plain tensor field may be a constant.
 *
 * <p><b>{@code import dev.backflow.nn.*} and {@code java.lang.Module}.</b> Java imports {@code java.lang.*}
 * implicitly, and since Java 9 that includes {@code java.lang.Module}; two on-demand imports of the same
 * simple name make {@code Module} ambiguous ("reference to Module is ambiguous"). The name stays, as in
 * PyTorch; add the single-type import {@code import dev.backflow.nn.Module;} beside the wildcard (a
 * single-type import always wins over on-demand ones), or import the layers by name.
 */
public abstract class Module {
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final java.util.Set<String> integerBuffers = new java.util.HashSet<>();
  private boolean training = true;

  /** For subclasses: a new module starts empty and in training mode. */
  protected Module() {}

  /** Per class: the fields that may hold a module or a parameter, superclass fields first. */
  private static final ClassValue<List<Field>> CANDIDATE_FIELDS = new ClassValue<>() {
    @Override
    protected List<Field> computeValue(Class<?> type) {
      List<Field> out = new ArrayList<>();
      if (type != Module.class && type.getSuperclass() != null) out.addAll(get(type.getSuperclass()));
      if (type == Module.class || type == Object.class) return out;
      for (Field f : type.getDeclaredFields()) {
        int mods = f.getModifiers();
        if (Modifier.isStatic(mods) || Modifier.isTransient(mods) || f.isSynthetic()) continue;
        Class<?> t = f.getType();
        boolean holds = Module.class.isAssignableFrom(t) || t == Tensor.class || java.util.Collection.class.isAssignableFrom(t)
            || Map.class.isAssignableFrom(t) || (t.isArray() && !t.getComponentType().isPrimitive()) || t == Object.class;
        if (!holds) continue;
        try {
          f.setAccessible(true);
        } catch (InaccessibleObjectException e) {
          throw new IllegalStateException(type.getName() + "." + f.getName() + ": Backflow cannot read this field to "
              + "register it; open its package to Backflow (in your module-info.java: opens " + type.getPackageName()
              + " to dev.backflow.core;), mark the field transient, or register it explicitly", e);
        }
        out.add(f);
      }
      return List.copyOf(out);
    }
  };

  /**
   * Computes this module's output from its input.
   *
   * @param input the input tensor
   * @return the output tensor
   */
  public abstract Tensor forward(Tensor input);

  /**
   * Registers a trainable parameter (made a leaf that requires grad) under {@code name}.
   *
   * @param name the parameter's name, without dots
   * @param value its initial value (detached if it is not a leaf)
   * @return the registered leaf tensor, for assignment to a field
   */
  protected Tensor registerParameter(String name, Tensor value) {
    checkName(name);
    Tensor p = value.isLeaf() ? value : value.detach();
    p.requiresGrad(true);
    parameters.put(name, p);
    return p;
  }

  /**
   * Registers saved, untrained state under {@code name}.
   *
   * @param name the buffer's name, without dots
   * @param value its initial value
   * @return {@code value}
   */
  protected Tensor registerBuffer(String name, Tensor value) {
    checkName(name);
    buffers.put(name, value);
    return value;
  }

  /**
   * Registers a buffer that holds integer counts (BatchNorm's {@code num_batches_tracked}): kept as float32
   * here, saved as I64 as PyTorch does (see {@link #stateDictDtypes()}), and left as it is when a state dict
   * from before it existed lacks it.
   *
   * @param name the buffer's name, without dots
   * @param value its initial value (integer-valued)
   * @return {@code value}
   */
  protected Tensor registerIntegerBuffer(String name, Tensor value) {
    registerBuffer(name, value);
    integerBuffers.add(name);
    return value;
  }

  /**
   * The safetensors dtype of each state-dict entry that is not F32: "I64" for integer buffers, by dotted path.
   *
   * @return a new map, empty for most models
   */
  public Map<String, String> stateDictDtypes() {
    Map<String, String> out = new LinkedHashMap<>();
    collectDtypes("", out);
    return out;
  }

  private void collectDtypes(String prefix, Map<String, String> out) {
    if (prefix.isEmpty()) registerFields();
    for (String b : buffers.keySet()) if (integerBuffers.contains(b)) out.put(prefix + b, "I64");
    for (var c : children.entrySet()) c.getValue().collectDtypes(prefix + c.getKey() + ".", out);
  }

  /**
   * Replaces a buffer's tensor (e.g. updated running statistics).
   *
   * @param name a registered buffer's name
   * @param value the new tensor
   */
  protected void setBuffer(String name, Tensor value) {
    if (!buffers.containsKey(name)) throw new IllegalArgumentException("no buffer named " + name);
    buffers.put(name, value);
  }

  /**
   * Registers a sub-module under {@code name} (fields register themselves; this is for computed names).
   *
   * @param name the child's name, without dots
   * @param module the child
   * @param <M> the child's type
   * @return {@code module}, for assignment to a field
   */
  protected <M extends Module> M registerModule(String name, M module) {
    checkName(name);
    if (module == null) throw new IllegalArgumentException("registerModule: module '" + name + "' is null");
    if (module == this) throw new IllegalArgumentException("registerModule: a module cannot be its own child ('" + name + "')");
    children.put(name, module);
    return module;
  }

  /**
   * Registers every module and parameter held by a field and not yet registered (see the class comment);
   * children first, so a tensor or module a child already holds is not registered twice.
   */
  private synchronized void registerFields() {
    for (Module c : children.values()) c.registerFields();
    List<Field> fields = CANDIDATE_FIELDS.get(getClass());
    if (fields.isEmpty()) return;
    Set<Object> known = null;
    for (Field f : fields) {
      Object v;
      try {
        v = f.get(this);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(getClass().getName() + "." + f.getName() + " cannot be read to register it", e);
      }
      if (v == null || v == this) continue;
      boolean module = v instanceof Module;
      boolean parameter = v instanceof Tensor && ((Tensor) v).requiresGrad() && ((Tensor) v).isLeaf();
      if (!module && !parameter) {
        if (v instanceof Tensor) continue;
        if (known == null) known = known();
        refuseUnregisteredContainer(f, v, known);
        continue;
      }
      if (known == null) known = known();
      if (known.contains(v)) continue;
      String name = f.getName();
      if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
        throw new IllegalStateException(getClass().getSimpleName() + ": field '" + name + "' holds a "
            + (module ? "module" : "parameter") + " that is not registered, and the name is taken by another; "
            + "register it explicitly under another name, or mark the field transient");
      }
      if (module) {
        Module m = (Module) v;
        m.registerFields();
        children.put(name, m);
        known.addAll(m.allTensorsAndModules());
      } else {
        parameters.put(name, (Tensor) v);
      }
      known.add(v);
    }
  }

  private void refuseUnregisteredContainer(Field f, Object v, Set<Object> known) {
    Iterable<?> items;
    if (v instanceof Map) items = ((Map<?, ?>) v).values();
    else if (v instanceof java.util.Collection) items = (java.util.Collection<?>) v;
    else if (v.getClass().isArray() && !v.getClass().getComponentType().isPrimitive()) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < Array.getLength(v); i++) l.add(Array.get(v, i));
      items = l;
    } else {
      return;
    }
    for (Object o : items) {
      boolean lost = (o instanceof Module && o != this)
          || (o instanceof Tensor && ((Tensor) o).requiresGrad() && ((Tensor) o).isLeaf());
      if (lost && !known.contains(o)) {
        throw new IllegalStateException(getClass().getSimpleName() + ": field '" + f.getName() + "' keeps "
            + (o instanceof Module ? "modules" : "parameters") + " in a " + v.getClass().getSimpleName()
            + " that are not registered, so parameters(), stateDict() and the optimizer would not see them; use "
            + (v instanceof Map ? "a ModuleDict" : "a ModuleList") + " (or register each one), or mark the field transient");
      }
    }
  }

  /** Every module and tensor of this subtree, by identity (tied weights are registered once). */
  private Set<Object> known() {
    Set<Object> out = Collections.newSetFromMap(new IdentityHashMap<>());
    out.addAll(allTensorsAndModules());
    return out;
  }

  private List<Object> allTensorsAndModules() {
    List<Object> out = new ArrayList<>();
    out.add(this);
    out.addAll(parameters.values());
    out.addAll(buffers.values());
    for (Module c : children.values()) out.addAll(c.allTensorsAndModules());
    return out;
  }

  private void checkName(String name) {
    if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("invalid name '" + name + "'");
    if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
      throw new IllegalArgumentException("name '" + name + "' is already registered in " + getClass().getSimpleName());
    }
  }

  /**
   * All parameters of this module and its descendants, in registration order.
   *
   * @return a new list of the parameter tensors themselves (not copies)
   */
  public List<Tensor> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /**
   * Parameters by dotted path, e.g. "0.weight" or "blocks.1.attention.qkv.bias".
   *
   * @return a new ordered map from path to parameter
   */
  public Map<String, Tensor> namedParameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, false);
    return out;
  }

  /**
   * Buffers by dotted path, e.g. "1.running_mean".
   *
   * @return a new ordered map from path to buffer
   */
  public Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, true);
    return out;
  }

  private void collect(String prefix, Map<String, Tensor> out, boolean wantBuffers) {
    if (prefix.isEmpty()) registerFields();
    for (var e : (wantBuffers ? buffers : parameters).entrySet()) out.put(prefix + e.getKey(), e.getValue());
    for (var c : children.entrySet()) c.getValue().collect(prefix + c.getKey() + ".", out, wantBuffers);
  }

  /**
   * The direct sub-modules by name.
   *
   * @return an unmodifiable view, in registration order
   */
  public Map<String, Module> children() {
    registerFields();
    return Collections.unmodifiableMap(children);
  }

  /**
   * This module and every descendant, depth first.
   *
   * @return a new list starting with this module
   */
  public List<Module> modules() {
    registerFields();
    List<Module> out = new ArrayList<>();
    out.add(this);
    for (Module c : children.values()) out.addAll(c.modules());
    return out;
  }

  /**
   * Parameters and buffers by dotted path: what a checkpoint stores (PyTorch's {@code state_dict()} names).
   *
   * @return a new ordered map from path to the module's own tensors
   */
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>(namedParameters());
    out.putAll(namedBuffers());
    return out;
  }

  /**
   * Copies values from {@code state} into this module's tensors; names and shapes must match exactly
   * ({@code load_state_dict(strict=True)}). Nothing is changed when it throws.
   *
   * @param state tensors by dotted path, as {@link #stateDict()} names them
   * @throws IllegalArgumentException naming the missing or unexpected keys, or a key whose shape differs
   */
  public void loadStateDict(Map<String, Tensor> state) {
    loadStateDict(state, true);
  }

  /**
   * Copies values from {@code state} into this module's tensors, as PyTorch's
   * {@code load_state_dict(state, strict)}: with {@code strict} false, keys the model lacks are skipped and
   * tensors the state lacks keep their values, and both lists are returned. Shapes must match either way.
   * Nothing is changed when it throws.
   *
   * @param state tensors by dotted path
   * @param strict whether missing or unexpected keys are an error
   * @return the keys the model has but {@code state} lacks, and the keys of {@code state} the model lacks
   * @throws IllegalArgumentException (strict) naming every missing and unexpected key; (always) naming a
   *     key whose shape differs, with both shapes
   */
  public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
    Map<String, Tensor> mine = stateDict();
    List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
    for (String k : mine.keySet()) if (!state.containsKey(k)) missing.add(k);
    for (String k : state.keySet()) if (!mine.containsKey(k)) unexpected.add(k);
    // integer counters (num_batches_tracked) are absent from state dicts saved before they existed
    boolean onlyCounters = stateDictDtypes().keySet().containsAll(missing);
    if (strict && (!onlyCounters || !unexpected.isEmpty())) {
      StringBuilder msg = new StringBuilder("loadStateDict:");
      if (!missing.isEmpty()) msg.append(keyList(" missing key", missing));
      if (!unexpected.isEmpty()) msg.append(missing.isEmpty() ? "" : ";").append(keyList(" unexpected key", unexpected));
      msg.append(" (pass strict=false to load the keys that match)");
      throw new IllegalArgumentException(msg.toString());
    }
    for (var e : state.entrySet()) {
      Tensor t = mine.get(e.getKey());
      if (t == null) continue;
      if (!Arrays.equals(t.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException("loadStateDict: '" + e.getKey() + "' has shape "
            + Arrays.toString(e.getValue().shape()) + " but the model expects " + Arrays.toString(t.shape()));
      }
    }
    try (var g = dev.backflow.autograd.Autograd.noGrad()) {
      for (var e : state.entrySet()) {
        Tensor t = mine.get(e.getKey());
        if (t != null) t.copy_(e.getValue());
      }
    }
    return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
  }

  private static String keyList(String what, List<String> keys) {
    StringBuilder sb = new StringBuilder(what).append(keys.size() == 1 ? " " : "s ");
    for (int i = 0; i < keys.size(); i++) sb.append(i == 0 ? "" : ", ").append('\'').append(keys.get(i)).append('\'');
    return sb.toString();
  }

  /**
   * What a non-strict {@link #loadStateDict(Map, boolean)} did not match, as PyTorch's
   * {@code _IncompatibleKeys}.
   *
   * @param missingKeys keys of the model that the state did not provide (their tensors are unchanged)
   * @param unexpectedKeys keys of the state that the model does not have (ignored)
   */
  public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
    /**
     * Whether every key matched.
     *
     * @return true when both lists are empty
     */
    public boolean isComplete() {
      return missingKeys.isEmpty() && unexpectedKeys.isEmpty();
    }
  }

  /**
   * Training mode (dropout active, batch statistics in BatchNorm), recursively.
   *
   * @param <M> the type the caller assigns to, so {@code Net net = new Net().train();} needs no cast
   * @return this module
   */
  public <M extends Module> M train() {
    return train(true);
  }

  /**
   * Sets training mode on or off, recursively.
   *
   * @param on true for training, false for evaluation
   * @param <M> the type the caller assigns to (a wrong one fails with ClassCastException)
   * @return this module
   */
  @SuppressWarnings("unchecked")
  public <M extends Module> M train(boolean on) {
    for (Module m : modules()) m.training = on;
    return (M) this;
  }

  /**
   * Evaluation mode, recursively: {@code Net net = new Net().eval();}.
   *
   * @param <M> the type the caller assigns to
   * @return this module
   */
  public <M extends Module> M eval() {
    return train(false);
  }

  /**
   * Whether this module is in training mode.
   *
   * @return true in training mode (the default), false after {@link #eval()}
   */
  public boolean isTraining() {
    return training;
  }

  /** Clears the gradients of every parameter. */
  public void zeroGrad() {
    for (Tensor p : parameters()) p.zeroGrad();
  }

  /**
   * The number of trainable scalars.
   *
   * @return the sum of the parameters' element counts
   */
  public long numParameters() {
    long n = 0;
    for (Tensor p : parameters()) n += p.numel();
    return n;
  }

  /** One line per module, indented as PyTorch prints a model. */
  @Override
  public String toString() {
    registerFields();
    StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
    String extra = extraRepr();
    if (children.isEmpty()) {
      sb.append(extra);
    } else {
      sb.append('\n');
      // as PyTorch: with children, the module's own arguments go on the first line inside the parentheses
      if (!extra.isEmpty()) sb.append("  ").append(extra).append('\n');
      for (var c : children.entrySet()) {
        sb.append("  (").append(c.getKey()).append("): ")
            .append(c.getValue().toString().replace("\n", "\n  ")).append('\n');
      }
    }
    return sb.append(')').toString();
  }

  /**
   * Constructor arguments worth printing, e.g. "in=784, out=256".
   *
   * @return the text inside the parentheses of this module's line; empty by default
   */
  protected String extraRepr() {
    return "";
  }
}
