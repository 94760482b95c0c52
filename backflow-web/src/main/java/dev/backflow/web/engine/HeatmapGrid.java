package dev.backflow.web.engine;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Evaluates a network on a regular grid over a domain, for the output and every hidden neuron. */
public final class HeatmapGrid {
  /** Output resolution; TensorFlow Playground uses 100, but 50 cells smoothed by the canvas look the same. */
  public static final int OUTPUT_CELLS = 50;
  public static final int NEURON_CELLS = 16;

  private HeatmapGrid() {}

  /** The grid's points [cols·rows, inputs], top row first. */
  static Tensor points(Domain d, int cells) {
    int rows = d.oneDimensional() ? 1 : cells;
    int inputs = d.oneDimensional() ? 1 : 2;
    float[] p = new float[cells * rows * inputs];
    int k = 0;
    for (int r = 0; r < rows; r++) {
      double y = d.yMax() - (r + 0.5) * (d.yMax() - d.yMin()) / rows;
      for (int c = 0; c < cells; c++) {
        p[k++] = (float) (d.xMin() + (c + 0.5) * (d.xMax() - d.xMin()) / cells);
        if (inputs == 2) p[k++] = (float) y;
      }
    }
    return Tensor.of(p, cells * rows, inputs);
  }

  public static Heatmap output(PlaygroundNetwork net, Domain d) {
    ForwardPass f = net.evaluate(points(d, OUTPUT_CELLS));
    return heatmap(f.output(), 0, OUTPUT_CELLS, d);
  }

  /** One heatmap per hidden neuron, layer by layer: what each neuron has learned to detect. */
  public static List<List<Heatmap>> hidden(PlaygroundNetwork net, Domain d) {
    ForwardPass f = net.evaluate(points(d, NEURON_CELLS));
    List<List<Heatmap>> out = new ArrayList<>();
    for (int l = 0; l + 1 < net.depth(); l++) {
      Tensor a = f.a().get(l);
      List<Heatmap> layer = new ArrayList<>();
      for (int j = 0; j < a.shape(1); j++) layer.add(heatmap(a, j, NEURON_CELLS, d));
      out.add(layer);
    }
    return out;
  }

  private static Heatmap heatmap(Tensor a, int neuron, int cells, Domain d) {
    int rows = d.oneDimensional() ? 1 : cells, width = a.shape(1);
    float[] all = a.toArray();
    double[] v = new double[cells * rows];
    for (int i = 0; i < v.length; i++) v[i] = Rounding.round(all[i * width + neuron], 3);
    return new Heatmap(cells, rows, v);
  }
}
