package dev.backflow.cli;

import dev.backflow.examples.GradientCost;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Why backprop wins, measured: finite differences against one forward + backward pass, and the ε sweep. */
@Command(name = "cost", mixinStandardHelpOptions = true,
    description = "Time all gradients of MLPs from ~100 to ~1,000,000 parameters by finite differences (one weight at a"
        + " time, one-sided and central) and by one forward + backward pass; show how accurate finite differences are"
        + " as epsilon varies. Writes report.txt, cost.png and epsilon.png.")
final class ExplainCostCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", description = "output directory for report.txt, cost.png and epsilon.png; default: ${DEFAULT-VALUE}")
  Path out = Path.of("runs/cost");

  @Option(names = "--max-parameters", description = "largest network to time; default: ${DEFAULT-VALUE}")
  long maxParameters = 1_100_000;

  @Option(names = "--budget", description = "seconds finite differences may take per network before they are timed on a"
      + " sample of weights and scaled instead; default: ${DEFAULT-VALUE}")
  double budget = 5;

  @Option(names = "--seed", description = "seed of the weights and the batch; default: ${DEFAULT-VALUE}")
  long seed = 0;

  @Option(names = "--threads", description = "kernel threads (default: all cores); 1 keeps the times steady on a machine"
      + " shared with other work, where threads that wait for each other lose their turns")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    long smallest = GradientCost.ladder().get(0).parameters();
    if (maxParameters < smallest) {
      throw new IllegalArgumentException("--max-parameters must be at least " + smallest + " (the smallest network), got " + maxParameters);
    }
    if (!(budget > 0) || !Double.isFinite(budget)) throw new IllegalArgumentException("--budget must be a positive number of seconds, got " + budget);
    if (threads != null) {
      if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
      dev.backflow.backend.cpu.Parallel.setThreads(threads);
    }
    PrintWriter o = spec.commandLine().getOut();
    Files.createDirectories(out);
    o.println("timing finite differences and backprop on " + GradientCost.ladder().stream()
        .filter(s -> s.parameters() <= maxParameters).count() + " networks (a few minutes at the default budget)...");
    o.flush();
    GradientCost.Study study = GradientCost.study(maxParameters, budget, seed);
    List<GradientCost.EpsilonPoint> sweep = GradientCost.epsilonSweep(seed);
    Path cost = out.resolve("cost.png"), epsilon = out.resolve("epsilon.png");
    CostCharts.cost(study, cost);
    CostCharts.epsilon(sweep, epsilon);
    String report = GradientCost.report(study).replaceFirst("\\. Date: ",
        ", " + dev.backflow.backend.cpu.Parallel.threads() + " kernel thread(s). Date: ") + "chart: " + cost + "\n\n" + GradientCost.epsilonReport(sweep) + "chart: " + epsilon + "\n";
    Files.writeString(out.resolve("report.txt"), report, StandardCharsets.UTF_8);
    o.print(report);
    o.printf("report: %s%n", out.resolve("report.txt"));
    return 0;
  }
}
