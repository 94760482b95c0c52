package dev.backflow.web.browser;

import dev.backflow.web.server.ServerSettings;
import dev.backflow.web.server.WebServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * How long one streamed training step takes to reach the page: the page presses "Step" (POST /step),
 * the server takes the step, computes the losses and every heatmap and streams the snapshot over SSE,
 * and the page receives it ("arrived") and draws it ("drawn"). Timed inside the page with
 * performance.now(), for networks of 1 to 8 hidden layers of 8 ReLUs on the 400-point spirals.
 *
 * <p>A benchmark, not a test (timings depend on the machine):
 * {@code mvn -q install -DskipTests && mvn -q -pl backflow-web exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.backflow.web.browser.StreamLatencyBenchmark}
 */
public final class StreamLatencyBenchmark {
  private StreamLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int warmup = 20;
    try (WebServer server = WebServer.start(new ServerSettings("127.0.0.1", 0, 4, Duration.ofMinutes(5)));
         HeadlessChromium chromium = HeadlessChromium.start()) {
      JavascriptExecutor js = chromium.driver;
      System.out.printf(Locale.ROOT, "streamed step latency, %d steps per network after %d warm-up steps (milliseconds)%n",
          steps, warmup);
      System.out.printf(Locale.ROOT, "%-14s %8s | %9s %9s | %9s %9s %9s | %9s%n", "network", "params", "arrived",
          "p95", "drawn", "p95", "max", "server");
      for (int depth : new int[] {1, 2, 4, 8}) {
        String layers = String.join(",", java.util.Collections.nCopies(depth, "8"));
        chromium.driver.get("http://127.0.0.1:" + server.port() + "/?view=playground&dataset=spirals&points=400&act=relu"
            + "&init=he&opt=adam&lr=0.01&batch=10&layers=" + layers);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"true".equals(chromium.driver.findElement(By.tagName("body")).getAttribute("data-ready"))) {
          if (System.nanoTime() > deadline) throw new IllegalStateException("the page did not get ready");
          Thread.sleep(20);
        }
        List<double[]> samples = new ArrayList<>();
        for (int i = 0; i < warmup + steps; i++) {
          @SuppressWarnings("unchecked")
          Map<String, Object> r = (Map<String, Object>) js.executeAsyncScript(
              "const done = arguments[arguments.length - 1]; const before = window.__backflow.latencies.length;"
              + "document.getElementById('btn-step').click();"
              + "const poll = () => window.__backflow.latencies.length > before"
              + "  ? done(window.__backflow.latencies[window.__backflow.latencies.length - 1]) : setTimeout(poll, 1);"
              + "poll();");
          if (i >= warmup) {
            samples.add(new double[] {number(r.get("arrived")), number(r.get("drawn")), number(r.get("serverMillis"))});
          }
        }
        int params = 2 * 8 + 8 + (depth - 1) * (8 * 8 + 8) + 8 + 1;
        System.out.printf(Locale.ROOT, "%-14s %8d | %9.1f %9.1f | %9.1f %9.1f %9.1f | %9.1f%n",
            depth + " x 8 ReLU", params, quantile(samples, 0, 0.5), quantile(samples, 0, 0.95), quantile(samples, 1, 0.5),
            quantile(samples, 1, 0.95), quantile(samples, 1, 1.0), quantile(samples, 2, 0.5));
      }
      System.out.println("arrived: step pressed -> snapshot received; drawn: -> page redrawn; server: snapshot computation");
    }
  }

  private static double number(Object o) {
    return ((Number) o).doubleValue();
  }

  private static double quantile(List<double[]> samples, int column, double q) {
    double[] v = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
    return v[(int) Math.min(v.length - 1, Math.round(q * (v.length - 1)))];
  }
}
