package dev.backflow.cli;

import dev.backflow.diagnostics.ActivationStats;
import dev.backflow.diagnostics.Demonstrations;
import dev.backflow.diagnostics.LayerStats;
import dev.backflow.train.EpochResult;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * The doctor's PNG for one demonstration: per-layer gradient norms of the failing and the cured run on a log
 * scale (input layer on the left, each layer named as report.txt names it, every decade labelled), above a panel
 * that shows the failure itself over training.
 */
final class DoctorCharts {
  static final int W = 720, H = 360;

  private DoctorCharts() {}

  static void write(Demonstrations.Demonstration d, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart layers = logChart(d.title() + ": gradient norm per layer",
        "layer, named as in report.txt" + (sameLayerNames(d) ? "" : " for A") + " (input side left)", "gradient norm");
    for (Demonstrations.Run r : d.runs()) addFinite(layers, r.label(), perLayer(r));
    List<String> names = layerNames(d.failing());
    layers.setCustomXAxisTickLabelsFormatter(x -> tickName(names, x));
    fitDecades(layers);
    Chart<?, ?> detail;
    switch (d.name()) {
      case "exploding": detail = globalNorms(d); break;
      case "dying-relu": detail = deadUnits(d); break;
      default: detail = lossCurves(d); break;
    }
    stack(png, layers, detail);
  }

  /** The median of the latest samples of each layer's gradient norm, at positions 0..n-1 from the input. */
  private static double[][] perLayer(Demonstrations.Run r) {
    List<LayerStats> ls = r.monitor().layers();
    double[] x = new double[ls.size()], y = new double[ls.size()];
    for (int i = 0; i < ls.size(); i++) {
      x[i] = i;
      y[i] = ls.get(i).recentGradNorm();
    }
    return new double[][] {x, y};
  }

  /**
   * The report names a layer by its path in the model ("0", "2", "1.body.1"): the chart's ticks use the same
   * names, so a layer read off the chart is found in the text as it is.
   */
  static List<String> layerNames(Demonstrations.Run r) {
    return r.monitor().layers().stream().map(l -> shortName(l.name())).toList();
  }

  /** The activations as the report's table names them, e.g. "3 (ReLU)". */
  static List<String> activationNames(Demonstrations.Run r) {
    return r.monitor().activations().stream().map(ActivationStats::name).toList();
  }

  private static boolean sameLayerNames(Demonstrations.Demonstration d) {
    return d.runs().stream().allMatch(r -> layerNames(r).equals(layerNames(d.failing())));
  }

  /** "3.body.0 (Linear)" -> "3.body.0": the type is the same along the axis and would crowd it. */
  static String shortName(String name) {
    return name.replaceFirst(" \\([^)]*\\)$", "");
  }

  /** The layer name at a tick position, or nothing between layers. */
  static String tickName(List<String> names, double x) {
    long i = Math.round(x);
    return Math.abs(x - i) < 1e-6 && i >= 0 && i < names.size() ? names.get((int) i) : "";
  }

  /**
   * The powers of ten that bound the values, at least two apart by one decade: a log axis drawn over them
   * labels every decade, while one fitted to the data labels only the decades inside it (one, or none, for
   * norms within a factor of ten).
   */
  static double[] decades(double min, double max) {
    if (!(min > 0) || !(max >= min) || Double.isInfinite(max)) {
      throw new IllegalArgumentException("decades of a log axis need 0 < min <= max < infinity, got " + min + ", " + max);
    }
    int lo = (int) Math.floor(Math.log10(min) + 1e-9), hi = (int) Math.ceil(Math.log10(max) - 1e-9);
    if (hi <= lo) hi = lo + 1;
    double[] out = new double[hi - lo + 1];
    for (int k = lo; k <= hi; k++) out[k - lo] = Double.parseDouble("1e" + k);  // exact decimal powers, unlike Math.pow
    return out;
  }

  /** Sets a log chart's Y axis to whole decades around its series, so each decade gets its label. */
  static void fitDecades(XYChart c) {
    double min = Double.POSITIVE_INFINITY, max = 0;
    for (org.knowm.xchart.XYSeries s : c.getSeriesMap().values()) {
      for (double y : s.getYData()) {
        min = Math.min(min, y);
        max = Math.max(max, y);
      }
    }
    if (max == 0) return;  // nothing finite to show
    double[] d = decades(min, max);
    c.getStyler().setYAxisMin(d[0]).setYAxisMax(d[d.length - 1]);
  }

  private static XYChart globalNorms(Demonstrations.Demonstration d) {
    XYChart c = logChart("Gradient norm over all parameters, before clipping", "step", "gradient norm");
    for (Demonstrations.Run r : d.runs()) {
      addFinite(c, r.label(), new double[][] {r.monitor().sampledSteps(), r.monitor().globalGradNorms()});
    }
    fitDecades(c);
    return c;
  }

  private static XYChart lossCurves(Demonstrations.Demonstration d) {
    XYChart c = new XYChartBuilder().width(W).height(H).title("Training loss").xAxisTitle("epoch").yAxisTitle("cross-entropy").build();
    c.getStyler().setLegendPosition(LegendPosition.OutsideS);
    for (Demonstrations.Run r : d.runs()) {
      List<EpochResult> h = r.history();
      if (h.isEmpty()) continue;
      c.addSeries(r.label(), h.stream().mapToDouble(EpochResult::epoch).toArray(), h.stream().mapToDouble(e -> e.train().loss()).toArray());
    }
    return c;
  }

  /** Fraction of each ReLU layer's units that never fired in the last epoch; leaky ReLU units cannot die. */
  private static CategoryChart deadUnits(Demonstrations.Demonstration d) {
    CategoryChart c = new CategoryChartBuilder().width(W).height(H).title("Units dead for the whole last epoch")
        .xAxisTitle("activation, named as in report.txt").yAxisTitle("fraction of units").build();
    c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setLegendPosition(LegendPosition.OutsideS);
    List<ActivationStats> relus = d.failing().monitor().activations();
    List<String> names = activationNames(d.failing());
    List<Double> dead = new ArrayList<>(), none = new ArrayList<>();
    for (int i = 0; i < relus.size(); i++) {
      ActivationStats a = relus.get(i);
      dead.add(a.units() == 0 || a.deadLastEpoch() < 0 ? 0.0 : (double) a.deadLastEpoch() / a.units());
      none.add(0.0);
    }
    c.addSeries(d.failing().label(), names, dead);
    c.addSeries(d.cured().label(), names, none);
    return c;
  }

  static XYChart logChart(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setYAxisLogarithmic(true).setLegendPosition(LegendPosition.OutsideS);
    return c;
  }

  /** A log axis cannot show zero, NaN or infinity: those points are left out (a run that overflowed stops). */
  static org.knowm.xchart.XYSeries addFinite(XYChart c, String name, double[][] xy) {
    List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
    for (int i = 0; i < xy[0].length; i++) {
      if (xy[1][i] > 0 && Double.isFinite(xy[1][i])) {
        xs.add(xy[0][i]);
        ys.add(xy[1][i]);
      }
    }
    return xs.isEmpty() ? null : c.addSeries(name, xs, ys);
  }

  /** Writes the panels one above the other, through a temporary file, so a reader never sees half a PNG. */
  static void stack(Path png, Chart<?, ?>... charts) throws IOException {
    List<BufferedImage> images = new ArrayList<>();
    int height = 0, width = 0;
    for (Chart<?, ?> c : charts) {
      BufferedImage img = BitmapEncoder.getBufferedImage(c);
      images.add(img);
      height += img.getHeight();
      width = Math.max(width, img.getWidth());
    }
    BufferedImage all = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    int y = 0;
    for (BufferedImage img : images) {
      g.drawImage(img, 0, y, null);
      y += img.getHeight();
    }
    g.dispose();
    Path dir = png.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, png.getFileName().toString(), ".tmp");
    try {
      ImageIO.write(all, "png", tmp.toFile());
      Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
