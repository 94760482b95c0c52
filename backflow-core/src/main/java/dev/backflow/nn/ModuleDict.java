package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Modules held by name, each registered under its key, as torch.nn.ModuleDict (insertion order is kept,
 * so the state dict's order is the order of {@link #put}). It has no forward of its own.
 *
 * @param <M> the type of the values
 */
public final class ModuleDict<M extends Module> extends Module {
  private final Map<String, M> items = new LinkedHashMap<>();

  /** An empty dictionary. */
  public ModuleDict() {}

  /**
   * A dictionary of the given modules, in the map's iteration order.
   *
   * @param modules modules by name (names must not contain dots)
   */
  public ModuleDict(Map<String, ? extends M> modules) {
    modules.forEach(this::put);
  }

  /**
   * Adds a module under a new name.
   *
   * @param name the key, non-empty and without dots; it becomes the state-dict prefix
   * @param module the module
   * @return this dictionary
   * @throws IllegalArgumentException when the name is taken or invalid
   */
  public ModuleDict<M> put(String name, M module) {
    items.put(name, registerModule(name, module));
    return this;
  }

  /**
   * The module under a name.
   *
   * @param name the key
   * @return the module
   * @throws IllegalArgumentException naming the known keys when there is none by that name
   */
  public M get(String name) {
    M m = items.get(name);
    if (m == null) throw new IllegalArgumentException("ModuleDict: no module named '" + name + "'; it has " + items.keySet());
    return m;
  }

  /**
   * Whether a module is registered under a name.
   *
   * @param name the key
   * @return true when present
   */
  public boolean containsKey(String name) {
    return items.containsKey(name);
  }

  /**
   * The names, in insertion order.
   *
   * @return an unmodifiable view of the keys
   */
  public Set<String> keySet() {
    return Collections.unmodifiableSet(items.keySet());
  }

  /**
   * The entries, in insertion order.
   *
   * @return an unmodifiable view of the map
   */
  public Map<String, M> asMap() {
    return Collections.unmodifiableMap(items);
  }

  /**
   * The number of modules.
   *
   * @return the size
   */
  public int size() {
    return items.size();
  }

  /**
   * Refused: a ModuleDict only holds modules; pick one by name in your module's forward.
   *
   * @param input unused
   * @return never
   * @throws UnsupportedOperationException always
   */
  @Override
  public Tensor forward(Tensor input) {
    throw new UnsupportedOperationException("ModuleDict has no forward: call get(name).forward(x) in your module's forward");
  }
}
