package dev.backflow.cli;

import dev.backflow.backend.Backends;
import dev.backflow.backend.cpu.CpuBackend;
import dev.backflow.diagnostics.Demonstrations;
import dev.backflow.diagnostics.Finding;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Reproduces the classic failures of backpropagation beside their cures, with the gradient monitor's report
 * for every run, and charts each pair.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Show the four common problems of the articles' table (vanishing gradients, exploding gradients, dying"
        + " ReLUs, slow convergence) next to their cures: a report of what the gradient monitor found in each run"
        + " (report.txt) and a PNG chart of per-layer gradient norms for each problem. The runs use the plain-Java"
        + " kernels, so a seed gives the same figures on every machine (docs/doctor holds seed 0's).")
final class DoctorCommand implements Callable<Integer> {
  private static final List<String> NAMES = Demonstrations.NAMES;

  @Spec CommandSpec spec;

  @Option(names = "--out", description = "output directory for report.txt and the charts; default: ${DEFAULT-VALUE}")
  Path out = Path.of("runs/doctor");

  @Option(names = "--seed", description = "seed of the data, the weights and the batch order; default: ${DEFAULT-VALUE}")
  long seed = 0;

  @Option(names = "--only", split = ",", description = "run only these demonstrations: vanishing, exploding, dying-relu,"
      + " slow-convergence")
  List<String> only = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    only.forEach(Demonstrations::requireKnown);
    PrintWriter o = spec.commandLine().getOut();
    Files.createDirectories(out);
    StringBuilder report = new StringBuilder();
    for (String name : NAMES) {
      if (!only.isEmpty() && !only.contains(name)) continue;
      Demonstrations.Demonstration d;
      // The SIMD kernels sum in lanes as wide as the CPU's vectors, so their last bits, and after hundreds of
      // steps the report's figures, differ between machines; the plain-Java ones give every machine the same
      // report (docs/doctor is this output at seed 0, and DoctorDocsTest keeps it so).
      try (Backends.Scope plain = Backends.scoped(CpuBackend.scalar())) {
        d = Demonstrations.byName(name, seed);
      }
      Path png = out.resolve(name + ".png");
      DoctorCharts.write(d, png);
      String section = section(d) + "chart: " + png + "\n\n";
      report.append(section);
      o.print(section);
      o.flush();
    }
    Files.writeString(out.resolve("report.txt"), report.toString(), StandardCharsets.UTF_8);
    o.printf("report: %s%n", out.resolve("report.txt"));
    return 0;
  }

  static String section(Demonstrations.Demonstration d) {
    StringBuilder sb = new StringBuilder();
    sb.append("== ").append(d.title()).append(" ==\n\n");
    char letter = 'A';
    for (Demonstrations.Run r : d.runs()) {
      sb.append(letter++).append(") ").append(r.label()).append(": ").append(r.outcome()).append('\n');
      List<Finding> fs = r.monitor().findings();
      sb.append("   findings: ").append(fs.isEmpty() ? "none" : fs.stream().map(f -> f.kind() + " at " + f.layer())
          .reduce((a, b) -> a + ", " + b).orElse("")).append("\n\n");
      sb.append(indent(r.monitor().report())).append('\n');
    }
    return sb.toString();
  }

  private static String indent(String text) {
    return "   " + text.strip().replace("\n", "\n   ") + "\n";
  }
}
