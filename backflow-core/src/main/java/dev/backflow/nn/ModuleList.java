package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Modules held in a list and registered under their indices "0", "1", ..., as torch.nn.ModuleList: the
 * list for a loop over layers in a custom {@code forward}. It has no forward of its own.
 *
 * <pre>{@code
 * final ModuleList<Linear> hidden = new ModuleList<>();
 * ...
 * for (int i = 0; i < depth; i++) hidden.add(new Linear(width, width));
 * for (Linear layer : hidden) x = layer.forward(x).relu();
 * }</pre>
 *
 * @param <M> the type of the elements
 */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
  private final List<M> items = new ArrayList<>();

  /**
   * A list of the given modules.
   *
   * @param modules the initial elements, registered as "0", "1", ...
   */
  @SafeVarargs
  public ModuleList(M... modules) {
    for (M m : modules) add(m);
  }

  /**
   * A list of the given modules.
   *
   * @param modules the initial elements, registered as "0", "1", ...
   */
  public ModuleList(Iterable<? extends M> modules) {
    for (M m : modules) add(m);
  }

  /**
   * Appends a module, registered under the next index.
   *
   * @param module the module to append
   * @return this list
   */
  public ModuleList<M> add(M module) {
    items.add(registerModule(String.valueOf(items.size()), module));
    return this;
  }

  /**
   * The module at an index.
   *
   * @param index 0 to size - 1, or negative from the end as in Python (-1 is the last)
   * @return the module
   * @throws IndexOutOfBoundsException naming the index and the size
   */
  public M get(int index) {
    int i = index < 0 ? index + items.size() : index;
    if (i < 0 || i >= items.size()) {
      throw new IndexOutOfBoundsException("ModuleList: no module " + index + " in a list of " + items.size());
    }
    return items.get(i);
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
   * The modules in order, as an unmodifiable list.
   *
   * @return the elements
   */
  public List<M> asList() {
    return List.copyOf(items);
  }

  @Override
  public Iterator<M> iterator() {
    return asList().iterator();
  }

  /**
   * Refused: a ModuleList only holds modules, as in PyTorch; iterate it in your module's forward, or use
   * {@link Sequential} to chain the layers.
   *
   * @param input unused
   * @return never
   * @throws UnsupportedOperationException always
   */
  @Override
  public Tensor forward(Tensor input) {
    throw new UnsupportedOperationException("ModuleList has no forward: loop over it in your module's forward, "
        + "or use Sequential to apply the layers in order");
  }
}
