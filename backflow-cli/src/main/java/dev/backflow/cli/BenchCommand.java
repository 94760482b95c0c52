package dev.backflow.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Side-by-side benchmark: each row runs in Backflow and in PyTorch alternately, in fresh processes, and
 * the medians and their ratio are printed as a Markdown table. PyTorch runs with its best thread count
 * for the row on this 2-core machine (the reference README's finding), Backflow with all cores.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run the speed table side by side with PyTorch (Debian's python3-torch) and print medians and ratios.")
final class BenchCommand implements Callable<Integer> {
  /** Row, PyTorch's best thread count here, and Backflow's target as a multiple of PyTorch. */
  private static final String[][] ROWS = {
      {"gemm", "2", "0.85", "sgemm 1024×1024×1024"},
      {"mlp64", "1", "2", "MLP 784-256-128-10, Adam, batch 64"},
      {"mlp256", "1", "1.5", "MLP, batch 256"},
      {"cnn64", "2", "1.5", "CNN conv32-pool-conv64-pool-fc128, batch 64"},
      {"gpt32", "1", "1.5", "GPT 4L/4H/d128/ctx64, AdamW, batch 32"},
      {"xor", "1", "50", "XOR 2-2-1, full-batch steps (Backflow: captured step)"},
      {"xor-eager", "1", "50", "XOR 2-2-1, full-batch steps (Backflow: eager autograd)"},
      {"memory", "1", "0.5", "peak RSS, MLP batch 64, one epoch (MB; lower is better)"},
  };

  @Spec CommandSpec spec;
  @Option(names = "--rows", split = ",", description = "rows to run (default: all): gemm, mlp64, mlp256, cnn64, gpt32, xor, xor-eager, memory")
  List<String> rows;
  @Option(names = "--repeats", description = "alternating runs per row; default: ${DEFAULT-VALUE}") int repeats = 3;
  @Option(names = "--python", description = "PyTorch interpreter; default: ${DEFAULT-VALUE}") String python = "/usr/bin/python3";
  @Option(names = "--worker", hidden = true) String worker;

  private static final Pattern VALUE = Pattern.compile("\"value\": ([0-9.eE+-]+).*\"peak_rss_mb\": ([0-9.eE+-]+)");
  private static final Pattern COSTS = Pattern.compile("\"alloc_mb_per_step\": ([0-9.eE+-]+|NaN), \"gc_share\": ([0-9.eE+-]+|NaN)");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (worker != null) {
      double[] r = BenchWorkloads.run(worker);
      out.printf(Locale.ROOT, "{\"workload\": \"%s\", \"value\": %.3f, \"peak_rss_mb\": %.1f, \"alloc_mb_per_step\": %.3f, \"gc_share\": %.4f}%n",
          worker, r[0], r[1], BenchWorkloads.allocMbPerStep, BenchWorkloads.gcShare);
      out.flush();
      return 0;
    }
    if (repeats <= 0) throw new IllegalArgumentException("--repeats must be positive");
    Path script = locateScript();
    out.printf(Locale.ROOT, "| work | PyTorch (threads) | Backflow (%d threads) | ratio | target |%n|---|---|---|---|---|%n",
        Runtime.getRuntime().availableProcessors());
    out.flush();
    StringBuilder costs = new StringBuilder();
    for (String[] row : ROWS) {
      if (rows != null && !rows.contains(row[0])) continue;
      List<Double> ours = new ArrayList<>(), theirs = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        double[] mine = runJava(row[0]);
        ours.add(pick(row[0], mine));
        if (r == repeats - 1 && !Double.isNaN(mine[2])) {
          costs.append(String.format(Locale.ROOT, "| %s | %.2f MB | %.1f%% |%n", row[3], mine[2], 100 * mine[3]));
        }
        theirs.add(pick(row[0], run(List.of(python, script.toString(), row[0], row[1]), Map.of("OPENBLAS_NUM_THREADS", row[1]))));
      }
      double a = median(ours), b = median(theirs);
      boolean memory = row[0].equals("memory");
      double ratio = a / b;
      double target = Double.parseDouble(row[2]);
      boolean met = memory ? ratio <= target : ratio >= target;
      out.printf(Locale.ROOT, "| %s | %,.1f %s (%s) | %,.1f | %.2f× | %s %s |%n", row[3], b, memory ? "MB" : BenchWorkloads.unit(row[0]),
          row[1], a, ratio, (memory ? "≤ " : "≥ ") + row[2] + "×", met ? "met" : "not met");
      out.flush();
    }
    if (costs.length() > 0) {
      out.printf("%nBackflow per training step (last run of each row): heap allocated, and the share of time in GC%n%n"
          + "| work | allocated per step | GC share |%n|---|---|---|%n%s", costs);
      out.flush();
    }
    return 0;
  }

  private static double pick(String row, double[] valueAndRss) {
    return row.equals("memory") ? valueAndRss[1] : valueAndRss[0];
  }

  private double[] runJava(String workload) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector"));
    // A small heap for the memory row: the JVM otherwise grows its heap lazily to a quarter of RAM.
    if (workload.equals("memory")) cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmx160m", "-Xss1m", "-XX:ReservedCodeCacheSize=64m"));
    cmd.addAll(List.of("-cp", jar, "dev.backflow.cli.Backflow", "bench", "--worker", workload));
    return run(cmd, Map.of());
  }

  private static double[] run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    StringBuilder all = new StringBuilder();
    double[] result = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        all.append(line).append('\n');
        Matcher m = VALUE.matcher(line);
        if (m.find()) {
          Matcher c = COSTS.matcher(line);
          boolean hasCosts = c.find();
          result = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
              hasCosts ? Double.parseDouble(c.group(1)) : Double.NaN, hasCosts ? Double.parseDouble(c.group(2)) : Double.NaN};
        }
      }
    }
    int code = p.waitFor();
    if (code != 0 || result == null) throw new IOException("benchmark worker failed (" + String.join(" ", cmd) + "):\n" + all);
    return result;
  }

  private static Path locateScript() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("bench/pytorch_worker.py");
      if (Files.isRegularFile(p)) return p;
    }
    throw new IOException("bench/pytorch_worker.py not found: run `backflow bench` from the Backflow checkout");
  }

  private static double median(List<Double> xs) {
    return BenchWorkloads.median(xs.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
