package dev.backflow.cli;

import dev.backflow.train.EpochResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

/** PNG training curves (XChart), written through a temporary file so a reader never sees half a PNG. */
final class Charts {
  private Charts() {}

  /**
   * train's curves: loss per epoch, and accuracy per epoch below it unless the task has none (regression).
   *
   * @param lossName the loss's name for the axis, e.g. "cross-entropy"
   */
  static void trainingCurves(List<EpochResult> history, String lossName, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    double[] epochs = history.stream().mapToDouble(EpochResult::epoch).toArray();
    XYChart loss = new XYChartBuilder().width(640).height(360).title("Loss").xAxisTitle("epoch").yAxisTitle(lossName).build();
    loss.addSeries("train", epochs, history.stream().mapToDouble(r -> r.train().loss()).toArray());
    loss.addSeries("test", epochs, history.stream().mapToDouble(r -> r.validation().loss()).toArray());
    List<Chart<?, ?>> panels = new ArrayList<>(List.of(loss));
    if (history.stream().anyMatch(r -> !Double.isNaN(r.train().accuracy()))) {
      XYChart acc = new XYChartBuilder().width(640).height(360).title("Accuracy").xAxisTitle("epoch").yAxisTitle("accuracy").build();
      acc.addSeries("train", epochs, history.stream().mapToDouble(r -> r.train().accuracy()).toArray());
      acc.addSeries("test", epochs, history.stream().mapToDouble(r -> r.validation().accuracy()).toArray());
      panels.add(acc);
    }
    DoctorCharts.stack(png, panels.toArray(new Chart<?, ?>[0]));
  }

  /**
   * gpt's curves: the training loss at each reported step and, when there is one, the validation loss at the
   * steps it was measured.
   */
  static void stepCurves(double[] steps, double[] trainLoss, double[] validationSteps, double[] validationLoss,
      String lossName, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart c = new XYChartBuilder().width(720).height(400).title("Loss").xAxisTitle("step").yAxisTitle(lossName).build();
    c.addSeries("training (mean since the previous point)", steps, trainLoss);
    // the validation loss is measured at the step itself, so it can sit below the lagging training mean
    if (validationSteps.length > 0) c.addSeries("validation (held-out text, at the step)", validationSteps, validationLoss);
    DoctorCharts.stack(png, c);
  }
}
