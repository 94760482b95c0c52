package dev.backflow.cli;

import dev.backflow.train.EpochResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** PNG charts (XChart), written to a temporary file and renamed so a reader never sees half a PNG. */
final class Charts {
  private Charts() {}

  static void trainingCurves(List<EpochResult> history, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    double[] epochs = history.stream().mapToDouble(EpochResult::epoch).toArray();
    XYChart loss = new XYChartBuilder().width(640).height(360).title("Loss").xAxisTitle("epoch").yAxisTitle("cross-entropy").build();
    loss.addSeries("train", epochs, history.stream().mapToDouble(r -> r.train().loss()).toArray());
    loss.addSeries("test", epochs, history.stream().mapToDouble(r -> r.validation().loss()).toArray());
    XYChart acc = new XYChartBuilder().width(640).height(360).title("Accuracy").xAxisTitle("epoch").yAxisTitle("accuracy").build();
    acc.addSeries("train", epochs, history.stream().mapToDouble(r -> r.train().accuracy()).toArray());
    acc.addSeries("test", epochs, history.stream().mapToDouble(r -> r.validation().accuracy()).toArray());
    Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), "curves", ".png");
    try {
      java.awt.image.BufferedImage a = BitmapEncoder.getBufferedImage(loss), b = BitmapEncoder.getBufferedImage(acc);
      java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(a.getWidth(), a.getHeight() + b.getHeight(),
          java.awt.image.BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = both.createGraphics();
      g.drawImage(a, 0, 0, null);
      g.drawImage(b, 0, a.getHeight(), null);
      g.dispose();
      javax.imageio.ImageIO.write(both, "png", tmp.toFile());
      Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
