package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Modules applied in order; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {
  private final List<Module> layers = new ArrayList<>();

  /**
   * The layers in order, registered as "0", "1", ...
   * Like {@code torch.nn.Sequential(*layers)}.
   *
   * @param layers the layers, applied first to last; each one's output is the next one's input
   */
  public Sequential(Module... layers) {
    for (Module m : layers) add(m);
  }

  /**
   * Appends a layer under the next index; returns this.
   * @param m the layer to append
   * @return this model, for chaining
   */
  public Sequential add(Module m) {
    layers.add(registerModule(String.valueOf(layers.size()), m));
    return this;
  }

  /**
   * The layer at index {@code i}.
   * @param i the layer's index, from 0
   * @return that layer
   * @throws IndexOutOfBoundsException if there is no layer {@code i}
   */
  public Module get(int i) {
    if (i < 0 || i >= layers.size()) {
      throw new IndexOutOfBoundsException("Sequential: no layer " + i + " in a model of " + layers.size() + " layers");
    }
    return layers.get(i);
  }

  /**
   * The number of layers.
   * @return how many layers this model holds
   */
  public int size() {
    return layers.size();
  }

  /**
   * The layers, in order.
   * @return an unmodifiable copy of the list of layers
   */
  public List<Module> layers() {
    return List.copyOf(layers);
  }

  @Override
  public Tensor forward(Tensor x) {
    for (Module m : layers) x = m.forward(x);
    return x;
  }
}
