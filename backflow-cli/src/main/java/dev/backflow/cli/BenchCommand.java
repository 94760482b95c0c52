package dev.backflow.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Side-by-side benchmark: each row runs in Backflow and in PyTorch alternately, in fresh processes, and
 * min/median/max of both sides and the ratio of medians are printed as a Markdown table. The comparison is
 * only worth printing against PyTorch at its best: OpenBLAS's core is checked against the CPU (Debian's
 * OpenBLAS falls back to old kernels on CPUs it does not know) and the better one is used, and each row
 * tries PyTorch on 1 and on all threads and keeps the faster. The machine, the JVM's vector width and the
 * measured fp32 FMA peak head the table, and each row's achieved GFLOPS is shown as a share of that peak.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run the speed table side by side with PyTorch (Debian's python3-torch) and print min/median/max and ratios.")
final class BenchCommand implements Callable<Integer> {
  /** Row, Backflow's target as a multiple of PyTorch, label, and model FLOPs per unit (0: not counted). */
  private static final Object[][] ROWS = {
      {"gemm", 0.85, "sgemm 1024×1024×1024", 0.0},
      // Training costs ~3× the forward pass's multiply-adds (forward, input gradient, weight gradient).
      {"mlp64", 2.0, "MLP 784-256-128-10, Adam, batch 64", 3 * 2.0 * (784 * 256 + 256 * 128 + 128 * 10)},
      {"mlp256", 1.5, "MLP, batch 256", 3 * 2.0 * (784 * 256 + 256 * 128 + 128 * 10)},
      {"cnn64", 1.5, "CNN conv32-pool-conv64-pool-fc128, batch 64",
          3 * 2.0 * (28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 3136 * 128 + 128 * 10)},
      // Per token: the Linear layers (12·d² per block) and head, plus causal attention (~2·T·d per block).
      {"gpt32", 1.5, "GPT 4L/4H/d128/ctx64, AdamW, batch 32", 3 * 2.0 * (4 * (12 * 128 * 128 + 64 * 128) + 128 * 65)},
      {"xor", 50.0, "XOR 2-2-1, full-batch steps (Backflow: captured step)", 0.0},
      {"xor-eager", 50.0, "XOR 2-2-1, full-batch steps (Backflow: eager autograd)", 0.0},
      {"memory", 0.5, "peak RSS, MLP batch 64, one epoch (MB; lower is better)", 0.0},
  };
  /** OpenBLAS cores with AVX-512 and AVX2 kernels (what OPENBLAS_CORETYPE accepts). */
  private static final Set<String> AVX512_CORES = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");
  private static final Set<String> AVX2_CORES = Set.of("HASWELL", "ZEN", "SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");

  @Spec CommandSpec spec;
  @Option(names = "--rows", split = ",", description = "rows to run (default: all): gemm, mlp64, mlp256, cnn64, gpt32, xor, xor-eager, memory")
  List<String> rows;
  @Option(names = "--repeats", description = "alternating runs per row (more are added where a row spreads); default: ${DEFAULT-VALUE}")
  int repeats = 3;
  @Option(names = "--python", description = "PyTorch interpreter; default: ${DEFAULT-VALUE}") String python = "/usr/bin/python3";
  @Option(names = "--java", description = "the java launcher for Backflow's side (e.g. another JDK's bin/java); default: this JVM's")
  String javaLauncher;
  @Option(names = "--worker", hidden = true) String worker;

  private static final Pattern VALUE = Pattern.compile("\"value\": ([0-9.eE+-]+).*\"peak_rss_mb\": ([0-9.eE+-]+)");
  private static final Pattern COSTS = Pattern.compile("\"alloc_mb_per_step\": ([0-9.eE+-]+|NaN), \"gc_share\": ([0-9.eE+-]+|NaN)");
  private static final Pattern CORE = Pattern.compile("Core: (\\w+)");

  // The options `backflow` gives its training JVM on this machine, decided once per bench run.
  private List<String> workerOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (worker != null) return runWorker(out);
    if (repeats <= 0) throw new IllegalArgumentException("--repeats must be positive");
    Path script = locateScript();
    int cores = Runtime.getRuntime().availableProcessors();
    workerOptions = VectorApiLauncher.trainingOptions(List.of());

    // The machine, and the ceiling every row is measured against.
    double[] peak1 = runJava("peak1", -1), peakAll = runJava("peak", -1);
    out.printf(Locale.ROOT, "Machine: %s, %d cores, %s; JVM: %s; vectors: %d floats (%d-bit) as the JVM uses them%n",
        cpuName(), cores, simdFlags(), jvmName(), (int) peakAll[4], 32 * (int) peakAll[4]);
    out.printf(Locale.ROOT, "fp32 FMA peak (Vector API register-only FMA loop, 12 independent chains): %.1f GFLOPS on 1 core, %.1f on %d%n",
        peak1[0], peakAll[0], cores);
    out.printf(Locale.ROOT, "Backflow kernels: %s%n", dev.backflow.backend.Backends.current().name());
    List<String> collector = CollectorOptions.forTraining(List.of());
    out.printf(Locale.ROOT, "Backflow workers' collector: %s%n", collector.isEmpty()
        ? "the JVM's own choice (more than " + CollectorOptions.MAX_PROCESSORS + " cores)"
        : String.join(" ", collector) + " (what `backflow` starts its JVM with on a machine of "
            + CollectorOptions.MAX_PROCESSORS + " cores or fewer)");
    List<String> hugePages = HugePageOptions.forTraining(List.of());
    out.printf(Locale.ROOT, "Backflow workers' heap pages: %s%n", hugePages.isEmpty()
        ? "the JVM's default (" + HugePageOptions.THP_MODE + " does not read madvise)"
        : "transparent huge pages, -XX:+UseTransparentHugePages (the kernel gives them on request)");

    List<Map<String, String>> torchEnvs = openBlasCandidates(out);
    out.printf("%n| work | PyTorch min / median / max (threads, OpenBLAS core if not the detected one) | Backflow min / median / max | ratio of medians | Backflow GFLOPS (share of peak) | target |%n"
        + "|---|---|---|---|---|---|%n");
    out.flush();
    StringBuilder costs = new StringBuilder();
    for (Object[] row : ROWS) {
      String name = (String) row[0];
      if (rows != null && !rows.contains(name)) continue;
      boolean memory = name.equals("memory");
      // PyTorch at its best for this row: each OpenBLAS core that may be right for this CPU, on 1 and on all
      // threads, tried once; the fastest combination is kept for the row's runs.
      int threads = 1;
      Map<String, String> torchEnv = torchEnvs.get(0);
      List<Double> theirs = new ArrayList<>(), ours = new ArrayList<>();
      // XOR's tensors are a few floats: one thread is PyTorch's best, and both sides of a repeat run pinned to the same
      // core (the next repeat on the next core), back to back. On a VM one core can be slowed for minutes at a time by a
      // neighbour on its sibling thread (XOR's windows then cluster at two speeds ~1.5x apart); a pair on one core sees
      // the same core.
      boolean xor = name.startsWith("xor"), pinned = xor && TASKSET != null;
      if (!memory) {
        double best = -1;
        for (Map<String, String> env : torchEnvs) {
          for (int t : cores > 1 && !xor ? new int[] {1, cores} : new int[] {1}) {
            double v = pick(name, runTorch(script, name, t, env, pinned ? 0 : -1));
            if (v > best) {
              best = v;
              threads = t;
              torchEnv = env;
            }
          }
        }
        theirs.add(best);
      }
      int target = repeats;
      double[] mine = null;
      for (int r = 0; r < target; r++) {
        int core = pinned ? r % cores : -1;
        mine = runJava(name, core);
        ours.add(pick(name, mine));
        if (theirs.size() < ours.size() || r > 0) theirs.add(pick(name, runTorch(script, name, threads, torchEnv, core)));
        // A noisy row gets more runs (up to twice the asked number) before its medians are trusted.
        if (r == target - 1 && target < 2 * repeats && (spread(ours) > 0.15 || spread(theirs) > 0.15)) target++;
      }
      if (!Double.isNaN(mine[2])) {
        costs.append(String.format(Locale.ROOT, "| %s | %.2f MB | %.1f%% |%n", row[2], mine[2], 100 * mine[3]));
      }
      double[] a = stats(ours), b = stats(theirs);
      double ratio = a[1] / b[1], goal = (Double) row[1];
      boolean met = memory ? ratio <= goal : ratio >= goal;
      String unit = memory ? "MB" : BenchWorkloads.unit(name);
      double flops = name.equals("gemm") ? a[1] : (Double) row[3] * a[1] / 1e9;
      String share = flops > 0 ? String.format(Locale.ROOT, "%.1f (%.0f%%)", flops, 100 * flops / peakAll[0]) : "–";
      String how = threads + (torchEnv.isEmpty() ? "" : ", " + torchEnv.get("OPENBLAS_CORETYPE")) + (pinned ? ", pinned" : "");
      out.printf(Locale.ROOT, "| %s | %s %s (%s) | %s | %.2f× | %s | %s %s |%n", row[2], triple(b), unit, how, triple(a), ratio,
          share, (memory ? "≤ " : "≥ ") + goal + "×", met ? "met" : "not met");
      out.flush();
    }
    if (costs.length() > 0) {
      out.printf("%nBackflow per training step (last run of each row): heap allocated, and the share of time in GC%n%n"
          + "| work | allocated per step | GC share |%n|---|---|---|%n%s", costs);
    }
    out.printf("%nA row is met only when its ratio of medians clears the target; min/median/max show the spread of %d+ runs per side."
        + " Each XOR run is its fastest of 9 windows of ~0.15 s, on both sides (timeit's rule: a VM's core shared at times"
        + " with a neighbour slows whole windows).%n", repeats);
    out.flush();
    return 0;
  }

  private Integer runWorker(PrintWriter out) throws Exception {
    double[] r;
    if (worker.equals("peak") || worker.equals("peak1")) {
      int threads = worker.equals("peak1") ? 1 : Runtime.getRuntime().availableProcessors();
      r = new double[] {FmaPeak.gflops(threads), 0, FmaPeak.lanes()};
    } else {
      r = BenchWorkloads.run(worker);
    }
    out.printf(Locale.ROOT, "{\"workload\": \"%s\", \"value\": %.3f, \"peak_rss_mb\": %.1f, \"alloc_mb_per_step\": %.3f, \"gc_share\": %.4f, \"lanes\": %d}%n",
        worker, r[0], r[1], BenchWorkloads.allocMbPerStep, BenchWorkloads.gcShare, r.length > 2 ? (int) r[2] : 0);
    out.flush();
    return 0;
  }

  /**
   * The OpenBLAS cores PyTorch may be at its best on here: the one OpenBLAS detects, and, where that is older
   * than what the CPU supports (Debian's 0.3.21 does not know some newer CPUs), SkylakeX for AVX-512 and
   * Haswell for AVX2. Each row tries them all and keeps its fastest; the sgemm of each is printed.
   */
  private List<Map<String, String>> openBlasCandidates(PrintWriter out) {
    String detected = detectedCore();
    String upper = detected == null ? null : detected.toUpperCase(Locale.ROOT);
    Set<String> flags = cpuFlags();
    List<Map<String, String>> envs = new ArrayList<>();
    envs.add(Map.of());
    List<String> extra = new ArrayList<>();
    if (flags.contains("avx512f") && (upper == null || !AVX512_CORES.contains(upper))) extra.add("SKYLAKEX");
    if (flags.contains("avx2") && (upper == null || !AVX2_CORES.contains(upper))) extra.add("HASWELL");
    for (String core : extra) envs.add(Map.of("OPENBLAS_CORETYPE", core));
    out.printf("PyTorch: OpenBLAS detects core %s on this CPU%s%n", detected == null ? "unknown" : detected,
        extra.isEmpty() ? " (it matches the CPU)" : "; each row also tries " + String.join(", ", extra)
            + " (OPENBLAS_CORETYPE) and keeps the fastest");
    return envs;
  }

  private String detectedCore() {
    try {
      ProcessBuilder pb = new ProcessBuilder(python, "-c", "import torch; torch.ones(64, 64) @ torch.ones(64, 64)").redirectErrorStream(true);
      pb.environment().put("OPENBLAS_VERBOSE", "2");
      Process p = pb.start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      Matcher m = CORE.matcher(text);
      return m.find() ? m.group(1) : null;
    } catch (IOException | InterruptedException e) {
      return null;
    }
  }

  // util-linux's taskset, to pin a single-threaded row's workers to one core; null where there is none.
  static final String TASKSET = java.nio.file.Files.isExecutable(Path.of("/usr/bin/taskset")) ? "/usr/bin/taskset" : null;

  /** cmd, run on {@code core} alone when core ≥ 0. */
  static List<String> onCore(int core, List<String> cmd) {
    if (core < 0) return cmd;
    List<String> pinned = new ArrayList<>(List.of(TASKSET, "-c", Integer.toString(core)));
    pinned.addAll(cmd);
    return pinned;
  }

  private double[] runTorch(Path script, String row, int threads, Map<String, String> extraEnv, int core)
      throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
    return run(onCore(core, List.of(python, script.toString(), row, Integer.toString(threads))), env);
  }

  private static double pick(String row, double[] valueAndRss) {
    return row.equals("memory") ? valueAndRss[1] : valueAndRss[0];
  }

  private double[] runJava(String workload, int core) throws IOException, InterruptedException {
    String java = javaLauncher != null ? javaLauncher : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector"));
    // A small heap for the memory row: the JVM otherwise grows its heap lazily to a quarter of RAM.
    if (workload.equals("memory")) cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmx160m", "-Xss1m", "-XX:ReservedCodeCacheSize=64m"));
    // The other rows run with the collector and pages `backflow` itself starts its training JVM with on this machine.
    else cmd.addAll(workerOptions);
    cmd.addAll(List.of("-cp", jar, "dev.backflow.cli.Backflow", "bench", "--worker", workload));
    return run(onCore(core, cmd), Map.of());
  }

  private static final Pattern LANES = Pattern.compile("\"lanes\": (\\d+)");

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
          Matcher c = COSTS.matcher(line), l = LANES.matcher(line);
          boolean hasCosts = c.find();
          // {value, peak RSS, MB allocated per step, GC share, vector lanes}
          result = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
              hasCosts ? Double.parseDouble(c.group(1)) : Double.NaN, hasCosts ? Double.parseDouble(c.group(2)) : Double.NaN,
              l.find() ? Integer.parseInt(l.group(1)) : 0};
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

  /** {min, median, max}. */
  static double[] stats(List<Double> xs) {
    double[] v = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new double[] {v[0], BenchWorkloads.median(v), v[v.length - 1]};
  }

  /** (max - min) / median: how far apart the runs of one side are. */
  static double spread(List<Double> xs) {
    if (xs.size() < 2) return 0;
    double[] s = stats(xs);
    return (s[2] - s[0]) / s[1];
  }

  private static String triple(double[] s) {
    return String.format(Locale.ROOT, "%,.1f / %,.1f / %,.1f", s[0], s[1], s[2]);
  }

  /** "AMD EPYC (family 26, model 2)": the model name alone is often generic inside a VM. */
  static String cpuName() {
    Map<String, String> info = cpuInfo();
    String name = info.getOrDefault("model name", System.getProperty("os.arch"));
    return info.containsKey("cpu family")
        ? name + " (family " + info.get("cpu family") + ", model " + info.getOrDefault("model", "?") + ")" : name;
  }

  private static String simdFlags() {
    Set<String> f = cpuFlags();
    if (f.contains("avx512f")) return "AVX-512" + (f.contains("amx_tile") ? " + AMX" : "");
    if (f.contains("avx2")) return "AVX2";
    return f.isEmpty() ? "flags unknown" : "no AVX2";
  }

  /** The JVM Backflow's side runs on: this one, or the one --java names (its own -version line). */
  private String jvmName() {
    String self = System.getProperty("java.vm.name") + " " + Runtime.version();
    if (javaLauncher == null) return self;
    try {
      Process p = new ProcessBuilder(javaLauncher, "-version").redirectErrorStream(true).start();
      String[] lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R");
      p.waitFor();
      for (String line : lines) if (line.contains("version")) return line.trim() + " (" + javaLauncher + ")";
    } catch (IOException e) {
      // fall through: name what we can
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return javaLauncher;
  }

  static Set<String> cpuFlags() {
    String flags = cpuInfo().getOrDefault("flags", "");
    return new LinkedHashSet<>(Arrays.asList(flags.split("\\s+")));
  }

  private static Map<String, String> cpuInfo() {
    Map<String, String> m = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          if (!m.isEmpty()) break; // the first processor's block is enough
          continue;
        }
        m.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    } catch (IOException e) {
      // not Linux: the name falls back to os.arch
    }
    return m;
  }
}
