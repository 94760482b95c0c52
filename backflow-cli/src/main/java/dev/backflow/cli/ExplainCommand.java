package dev.backflow.cli;

import picocli.CommandLine.Command;

/** {@code backflow explain ...}: step-by-step walk-throughs of backpropagation. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain backpropagation step by step on a worked example.",
    subcommands = {ExplainNeuronCommand.class})
final class ExplainCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }
}
