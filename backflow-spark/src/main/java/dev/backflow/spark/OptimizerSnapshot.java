package dev.backflow.spark;

import dev.backflow.nn.Module;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer's state by parameter position (moment buffers, step counts), its step count and each group's
 * learning rate, as plain arrays Spark can ship: how the driver and the all-reduce workers hand an optimizer to
 * each other between epochs without changing a bit.
 */
record OptimizerSnapshot(List<Map<String, float[]>> values, List<Map<String, int[]>> shapes, long steps, double[] lrs)
    implements Serializable {

  static OptimizerSnapshot of(Module model, Optimizer opt) {
    List<Map<String, float[]>> values = new ArrayList<>();
    List<Map<String, int[]>> shapes = new ArrayList<>();
    for (Tensor p : model.parameters()) {
      Map<String, float[]> v = new LinkedHashMap<>();
      Map<String, int[]> s = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : opt.stateOf(p).entrySet()) {
        v.put(e.getKey(), e.getValue().toArray());
        s.put(e.getKey(), e.getValue().shape());
      }
      values.add(v);
      shapes.add(s);
    }
    double[] lrs = new double[opt.paramGroups().size()];
    for (int g = 0; g < lrs.length; g++) lrs[g] = opt.paramGroups().get(g).lr();
    return new OptimizerSnapshot(values, shapes, opt.stepCount(), lrs);
  }

  void restore(Module model, Optimizer opt) {
    List<Tensor> params = model.parameters();
    for (int i = 0; i < params.size(); i++) {
      if (values.get(i).isEmpty()) continue;
      Map<String, Tensor> state = new LinkedHashMap<>();
      for (Map.Entry<String, float[]> e : values.get(i).entrySet()) state.put(e.getKey(), Tensor.of(e.getValue(), shapes.get(i).get(e.getKey())));
      opt.setState(params.get(i), state);
    }
    opt.setStepCount(steps);
    if (lrs.length != opt.paramGroups().size()) {
      throw new IllegalStateException("the OptimizerFactory built " + opt.paramGroups().size() + " parameter groups, the driver's optimizer has " + lrs.length);
    }
    for (int g = 0; g < lrs.length; g++) opt.paramGroups().get(g).setLr(lrs[g]);
  }
}
