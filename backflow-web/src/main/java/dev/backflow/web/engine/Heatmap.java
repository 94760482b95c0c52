package dev.backflow.web.engine;

/**
 * Values of one neuron (or the output) on a grid over the {@link Domain}, row by row from the top (the
 * largest y) down, rounded to 3 decimals: the page paints them, it never computes them.
 */
public record Heatmap(int cols, int rows, double[] values) {}
