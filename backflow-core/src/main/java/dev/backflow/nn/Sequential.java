package dev.backflow.nn;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Modules applied in order; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {
  private final List<Module> layers = new ArrayList<>();

  /** The layers in order, registered as "0", "1", ... */
  public Sequential(Module... layers) {
    for (Module m : layers) add(m);
  }

  /** Appends a layer under the next index; returns this. */
  public Sequential add(Module m) {
    layers.add(registerModule(String.valueOf(layers.size()), m));
    return this;
  }

  /** The layer at index {@code i}. */
  public Module get(int i) {
    if (i < 0 || i >= layers.size()) {
      throw new IndexOutOfBoundsException("Sequential: no layer " + i + " in a model of " + layers.size() + " layers");
    }
    return layers.get(i);
  }

  /** The number of layers. */
  public int size() {
    return layers.size();
  }

  /** The layers, in order. */
  public List<Module> layers() {
    return List.copyOf(layers);
  }

  @Override
  public Tensor forward(Tensor x) {
    for (Module m : layers) x = m.forward(x);
    return x;
  }
}
