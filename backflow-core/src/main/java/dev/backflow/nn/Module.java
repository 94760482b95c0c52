package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of a network, as torch.nn.Module: it declares its parameters (and sub-modules) in its
 * constructor and computes in {@link #forward}. Parameters are leaf tensors that require grad; buffers
 * are state that is saved but not trained (BatchNorm's running statistics).
 */
public abstract class Module {
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training = true;

  public abstract Tensor forward(Tensor input);

  /** Registers a trainable parameter (made a leaf that requires grad) under {@code name}. */
  protected Tensor registerParameter(String name, Tensor value) {
    checkName(name);
    Tensor p = value.isLeaf() ? value : value.detach();
    p.requiresGrad(true);
    parameters.put(name, p);
    return p;
  }

  /** Registers saved, untrained state under {@code name}. */
  protected Tensor registerBuffer(String name, Tensor value) {
    checkName(name);
    buffers.put(name, value);
    return value;
  }

  /** Replaces a buffer's tensor (e.g. updated running statistics). */
  protected void setBuffer(String name, Tensor value) {
    if (!buffers.containsKey(name)) throw new IllegalArgumentException("no buffer named " + name);
    buffers.put(name, value);
  }

  protected <M extends Module> M registerModule(String name, M module) {
    checkName(name);
    children.put(name, module);
    return module;
  }

  private void checkName(String name) {
    if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("invalid name '" + name + "'");
    if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
      throw new IllegalArgumentException("name '" + name + "' is already registered in " + getClass().getSimpleName());
    }
  }

  /** All parameters of this module and its descendants, in registration order. */
  public List<Tensor> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /** Parameters by dotted path, e.g. "0.weight" or "blocks.1.attention.qkv.bias". */
  public Map<String, Tensor> namedParameters() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, false);
    return out;
  }

  public Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    collect("", out, true);
    return out;
  }

  private void collect(String prefix, Map<String, Tensor> out, boolean wantBuffers) {
    for (var e : (wantBuffers ? buffers : parameters).entrySet()) out.put(prefix + e.getKey(), e.getValue());
    for (var c : children.entrySet()) c.getValue().collect(prefix + c.getKey() + ".", out, wantBuffers);
  }

  public Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /** This module and every descendant, depth first. */
  public List<Module> modules() {
    List<Module> out = new ArrayList<>();
    out.add(this);
    for (Module c : children.values()) out.addAll(c.modules());
    return out;
  }

  /** Parameters and buffers by dotted path: what a checkpoint stores. */
  public Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>(namedParameters());
    out.putAll(namedBuffers());
    return out;
  }

  /** Copies values from {@code state} into this module's tensors; names and shapes must match exactly. */
  public void loadStateDict(Map<String, Tensor> state) {
    Map<String, Tensor> mine = stateDict();
    for (String k : mine.keySet()) {
      if (!state.containsKey(k)) throw new IllegalArgumentException("loadStateDict: missing key '" + k + "'");
    }
    for (var e : state.entrySet()) {
      Tensor t = mine.get(e.getKey());
      if (t == null) throw new IllegalArgumentException("loadStateDict: unexpected key '" + e.getKey() + "'");
      if (!java.util.Arrays.equals(t.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException("loadStateDict: '" + e.getKey() + "' has shape "
            + java.util.Arrays.toString(e.getValue().shape()) + " but the model expects " + java.util.Arrays.toString(t.shape()));
      }
    }
    try (var g = dev.backflow.autograd.Autograd.noGrad()) {
      for (var e : state.entrySet()) mine.get(e.getKey()).copy_(e.getValue());
    }
  }

  /** Training mode (dropout active, batch statistics in BatchNorm), recursively. Returns this. */
  public Module train() {
    return train(true);
  }

  public Module train(boolean on) {
    for (Module m : modules()) m.training = on;
    return this;
  }

  /** Evaluation mode, recursively. Returns this. */
  public Module eval() {
    return train(false);
  }

  public boolean isTraining() {
    return training;
  }

  /** Clears the gradients of every parameter. */
  public void zeroGrad() {
    for (Tensor p : parameters()) p.zeroGrad();
  }

  public long numParameters() {
    long n = 0;
    for (Tensor p : parameters()) n += p.numel();
    return n;
  }

  /** One line per module, indented as PyTorch prints a model. */
  @Override
  public String toString() {
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

  /** Constructor arguments worth printing, e.g. "in=784, out=256". */
  protected String extraRepr() {
    return "";
  }
}
