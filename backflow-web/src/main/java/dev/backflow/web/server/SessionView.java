package dev.backflow.web.server;

import dev.backflow.web.engine.Domain;
import dev.backflow.web.engine.NetworkExport;
import dev.backflow.web.engine.PlaygroundData;
import dev.backflow.web.engine.Rounding;
import dev.backflow.web.engine.Snapshot;
import dev.backflow.web.session.Session;
import dev.backflow.web.setup.Setup;
import java.util.List;
import java.util.Map;

/**
 * What the page gets when it opens a session or changes its set-up: the validated set-up as URL
 * parameters (the page writes them back into its address), the data points to draw, and the state.
 */
public record SessionView(String id, Map<String, String> setup, boolean rebuilt, Points data, Snapshot state,
                          String lossFormula, Export export, List<String> inputNames) {

  /** Whether the network can be exported for {@code backflow eval} (refusal null), and the command that evaluates it. */
  public record Export(String refusal, String file, String command) {}

  /** Points as [x1, x2, target] (or [x, target] for one input), with the heatmaps' domain. */
  public record Points(int inputs, boolean classification, boolean sharedTestSet, Domain domain,
                       List<double[]> train, List<double[]> test) {}

  static SessionView of(Session s, boolean rebuilt) {
    Snapshot state;
    Setup setup;
    PlaygroundData data;
    synchronized (s) {
      setup = s.setup();
      data = s.run().data();
      state = s.run().snapshot(s.isRunning(), null, null);
    }
    Points points = new Points(setup.dataset().inputs(), setup.dataset().classification, data.sharedTestSet,
        data.domain, rows(data.trainX.toArray(), data.trainY.toArray(), setup.dataset().inputs()),
        rows(data.testX.toArray(), data.testY.toArray(), setup.dataset().inputs()));
    String file = "backflow-" + setup.dataset().id + ".safetensors";
    String refusal = NetworkExport.refusal(setup);
    Export export = new Export(refusal, file, refusal == null ? NetworkExport.evalCommand(setup, file) : null);
    return new SessionView(s.id(), setup.toQuery(), rebuilt, points, state, setup.loss().formula, export,
        setup.inputNames());
  }

  private static List<double[]> rows(float[] x, float[] y, int inputs) {
    double[][] out = new double[y.length][];
    for (int i = 0; i < y.length; i++) {
      out[i] = new double[inputs + 1];
      for (int k = 0; k < inputs; k++) out[i][k] = Rounding.round(x[i * inputs + k], 4);
      out[i][inputs] = Rounding.round(y[i], 4);
    }
    return List.of(out);
  }
}
