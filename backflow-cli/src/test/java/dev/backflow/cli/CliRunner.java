package dev.backflow.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the `backflow` command line in-process, as main would, and captures {exit code, stdout, stderr}. */
final class CliRunner {
  private CliRunner() {}

  static String[] run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new Backflow());
    cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("backflow: " + e.getMessage());
      return 1;
    });
    int code = cli.execute(args);
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }
}
