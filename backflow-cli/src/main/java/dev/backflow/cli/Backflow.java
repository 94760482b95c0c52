package dev.backflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code backflow} command. With no subcommand it trains the XOR network of the worked example. */
@Command(name = "backflow", mixinStandardHelpOptions = true, version = "backflow 0.1.0",
    description = "Backpropagation for the JVM: train and inspect neural networks in pure Java.",
    subcommands = {XorCommand.class, ExplainCommand.class, TrainCommand.class, EvalCommand.class, GptCommand.class, GenerateCommand.class, BenchCommand.class, DoctorCommand.class, ServeCommand.class})
public final class Backflow implements Runnable {

  @Override
  public void run() {
    new CommandLine(new XorCommand()).execute();
  }

  public static void main(String[] args) {
    // Without the Vector API module, run again in a JVM that has it (see VectorApiLauncher).
    java.util.OptionalInt relaunched = VectorApiLauncher.relaunchIfNeeded(args);
    System.exit(relaunched.isPresent() ? relaunched.getAsInt() : run(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Backflow());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("backflow: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }
}
