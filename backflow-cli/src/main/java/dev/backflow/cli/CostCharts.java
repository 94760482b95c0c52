package dev.backflow.cli;

import dev.backflow.examples.GradientCost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of {@code backflow explain cost}, drawn with the doctor's plotting helpers. */
final class CostCharts {
  private CostCharts() {}

  /** Time against parameters on log–log axes: measured points, and the fitted lines with their slopes. */
  static void cost(GradientCost.Study study, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart c = new XYChartBuilder().width(900).height(640).title("All gradients: finite differences against one forward +"
        + " backward pass").xAxisTitle("parameters").yAxisTitle("seconds").build();
    c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(LegendPosition.InsideNW)
        .setMarkerSize(9);
    List<GradientCost.Measurement> sizes = study.sizes();
    points(c, "finite differences, one-sided, every weight", sizes, true, GradientCost.Measurement::oneSided);
    points(c, "finite differences, one-sided, sampled and scaled", sizes, false, GradientCost.Measurement::oneSided);
    points(c, "finite differences, central, every weight", sizes, true, GradientCost.Measurement::central);
    points(c, "finite differences, central, sampled and scaled", sizes, false, GradientCost.Measurement::central);
    points(c, "forward + backward (backprop)", sizes, null, GradientCost.Measurement::forwardBackward);
    points(c, "one forward pass", sizes, null, GradientCost.Measurement::forward);
    double top = study.largest().parameters();
    line(c, study.finiteDifferences(), "finite differences", top, SeriesLines.SOLID);
    line(c, study.backprop(), "forward + backward", top, SeriesLines.SOLID);
    if (!study.largest().measured()) line(c, study.measuredFiniteDifferences(), "extrapolated from the sizes run in full", top, SeriesLines.DASH_DASH);
    DoctorCharts.stack(png, c);
  }

  /** The largest difference between finite-difference and backprop gradients against epsilon. */
  static void epsilon(List<GradientCost.EpsilonPoint> sweep, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart c = DoctorCharts.logChart("Finite differences against backprop as epsilon varies (" + GradientCost.SWEEP_SHAPE.describe()
        + " MLP)", "epsilon", "largest difference / largest gradient");
    c.getStyler().setXAxisLogarithmic(true);
    double[] eps = sweep.stream().mapToDouble(GradientCost.EpsilonPoint::epsilon).toArray();
    DoctorCharts.addFinite(c, "float32, one-sided", new double[][] {eps, sweep.stream().mapToDouble(GradientCost.EpsilonPoint::oneSidedFloat).toArray()});
    DoctorCharts.addFinite(c, "float32, central", new double[][] {eps, sweep.stream().mapToDouble(GradientCost.EpsilonPoint::centralFloat).toArray()});
    style(DoctorCharts.addFinite(c, "double, one-sided", new double[][] {eps, sweep.stream().mapToDouble(GradientCost.EpsilonPoint::oneSidedDouble).toArray()}), SeriesLines.DASH_DASH);
    style(DoctorCharts.addFinite(c, "double, central", new double[][] {eps, sweep.stream().mapToDouble(GradientCost.EpsilonPoint::centralDouble).toArray()}), SeriesLines.DASH_DASH);
    DoctorCharts.stack(png, c);
  }

  /** Measured points: {@code measured} true/false picks sizes run over every weight or sampled; null takes all. */
  private static void points(XYChart c, String name, List<GradientCost.Measurement> sizes, Boolean measured,
                             java.util.function.ToDoubleFunction<GradientCost.Measurement> time) {
    List<GradientCost.Measurement> use = new ArrayList<>();
    for (GradientCost.Measurement m : sizes) if (measured == null || m.measured() == measured) use.add(m);
    if (use.isEmpty()) return;
    XYSeries s = DoctorCharts.addFinite(c, name, new double[][] {use.stream().mapToDouble(GradientCost.Measurement::parameters).toArray(),
        use.stream().mapToDouble(time).toArray()});
    if (s == null) return;
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    if (Boolean.FALSE.equals(measured)) s.setMarker(SeriesMarkers.DIAMOND);
  }

  /** A fitted line from the start of its fit to the largest size, its slope in the legend. */
  private static void line(XYChart c, GradientCost.Fit f, String what, double to, java.awt.BasicStroke stroke) {
    if (f == null) return;
    double from = f.fromParameters();
    XYSeries s = c.addSeries(String.format(Locale.ROOT, "fit, %s: slope %.2f", what, f.slope()), new double[] {from, to},
        new double[] {f.at(from), f.at(to)});
    s.setMarker(SeriesMarkers.NONE);
    s.setLineStyle(stroke);
  }

  private static void style(XYSeries s, java.awt.BasicStroke stroke) {
    if (s != null) s.setLineStyle(stroke);
  }
}
