package dev.backflow.amp;

import dev.backflow.autograd.Graph;
import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Mixed-precision training of a stack of Linear and ReLU/sigmoid/tanh layers: the parameters stay float32
 * (the master weights the optimizer updates), each layer computes in float32 on bfloat16-rounded inputs and
 * weights, and every activation the backward pass needs is kept in bfloat16 only, so the graph holds half
 * the activation memory. The stack is one node in the graph; its backward walks the layers with their own
 * rules (dx = G·W, dW = Gᵀ·x, db = ΣG; relu' = [y &gt; 0], σ' = y(1-y), tanh' = 1-y², from the saved outputs).
 * Pair it with {@link GradScaler} for loss scaling.
 */
public final class MixedPrecisionSequential extends Module {
  private final List<Module> layers = new ArrayList<>();

  /**
   * Wraps the layers of {@code model} (sharing its parameters) for bfloat16 activations.
   * @param model a stack of {@code Linear} and ReLU, sigmoid or tanh layers
   * @throws IllegalArgumentException if a layer is of another kind (the message names it)
   */
  public MixedPrecisionSequential(Sequential model) {
    int i = 0;
    for (Module m : model.layers()) {
      boolean ok = m instanceof Linear || (m instanceof Activation && hasSavedOutputRule(((Activation) m).kind()));
      if (!ok) {
        throw new IllegalArgumentException("mixed precision supports Linear and ReLU/Sigmoid/Tanh layers; layer " + i
            + " is " + m);
      }
      layers.add(registerModule(String.valueOf(i++), m));
    }
  }

  /** The activations whose derivative is a function of their output, which is all this stack saves. */
  private static boolean hasSavedOutputRule(Activation.Kind kind) {
    switch (kind) {
      case RELU: case SIGMOID: case TANH: return true;
      default: return false;
    }
  }

  @Override
  public Tensor forward(Tensor x) {
    List<Bf16Saved> saved = new ArrayList<>();
    boolean record = Autograd.isGradEnabled();
    Tensor h = x;
    try (var g = Autograd.noGrad()) {
      for (Module m : layers) {
        if (m instanceof Linear) {
          Linear lin = (Linear) m;
          Bf16Saved xs = new Bf16Saved(h);
          Tensor y = xs.restore().matmul(new Bf16Saved(lin.weight).restore().mT());
          h = lin.bias == null ? y : y.add(lin.bias);
          // The bf16 weight is not kept: backward rounds the (unchanged) master weight again.
          if (record) saved.add(xs);
        } else {
          h = activate(((Activation) m).kind(), h);
          if (record) saved.add(new Bf16Saved(h));
        }
      }
    }
    if (!record) return h;
    List<Tensor> inputs = new ArrayList<>();
    inputs.add(x);
    inputs.addAll(parameters());
    int[] xShape = x.shape();
    return Graph.record("mixedPrecision", Graph.array(h), (grad, need) -> backward(grad, saved, xShape, need),
        inputs.toArray(new Tensor[0]));
  }

  private static Tensor activate(Activation.Kind kind, Tensor h) {
    switch (kind) {
      case RELU: return h.relu();
      case SIGMOID: return h.sigmoid();
      case TANH: return h.tanh();
      default: throw new AssertionError(kind);
    }
  }

  /** The activation's derivative from its output y: relu' = [y &gt; 0], σ' = y(1-y), tanh' = 1-y². */
  private static Tensor derivativeFromOutput(Activation.Kind kind, Tensor y) {
    switch (kind) {
      case RELU: return y.gt(0f);
      case SIGMOID: return y.mul(y.rsub(1f));
      case TANH: return y.mul(y).rsub(1f);
      default: throw new AssertionError(kind);
    }
  }

  /** Walks the layers in reverse; gradients come out in the order of the node's inputs (x, then parameters). */
  private Tensor[] backward(Tensor grad, List<Bf16Saved> saved, int[] xShape, boolean[] need) {
    // the saved activations are bf16 constants: the gradient cannot be differentiated again
    Graph.requireFirstOrder("mixedPrecision");
    List<Tensor> params = parameters();
    Tensor[] out = new Tensor[1 + params.size()];
    Tensor g = grad.reshape(-1, grad.shape(-1));
    int s = saved.size();
    for (int i = layers.size() - 1; i >= 0; i--) {
      Module m = layers.get(i);
      if (m instanceof Linear) {
        Linear lin = (Linear) m;
        Tensor w = new Bf16Saved(lin.weight).restore(), xIn = saved.get(--s).restore();
        Tensor x2 = xIn.reshape(-1, w.shape(1));
        out[1 + indexOf(params, lin.weight)] = g.mT().matmul(x2);
        if (lin.bias != null) out[1 + indexOf(params, lin.bias)] = g.sum(0);
        if (i > 0 || need[0]) g = g.matmul(w);
      } else {
        Tensor y = saved.get(--s).restore().reshape(g.shape());
        g = g.mul(derivativeFromOutput(((Activation) m).kind(), y));
      }
    }
    if (need[0]) out[0] = g.reshape(xShape);
    return out;
  }

  private static int indexOf(List<Tensor> params, Tensor p) {
    for (int i = 0; i < params.size(); i++) if (params.get(i) == p) return i;
    throw new IllegalStateException("parameter not found");
  }
}
