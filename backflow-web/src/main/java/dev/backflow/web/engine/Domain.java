package dev.backflow.web.engine;

/**
 * The rectangle of input space the page draws: the heatmaps are the network evaluated on a grid over
 * it. A 1-input network (the worked neuron) has yMin = yMax and a grid of one row.
 */
public record Domain(double xMin, double xMax, double yMin, double yMax) {
  public boolean oneDimensional() {
    return yMin == yMax;
  }
}
