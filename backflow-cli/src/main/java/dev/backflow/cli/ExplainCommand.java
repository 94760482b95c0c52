package dev.backflow.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code backflow explain ...}: step-by-step walk-throughs of backpropagation. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain backpropagation: the worked single neuron step by step (neuron), and why it beats finite"
        + " differences, measured (cost).",
    subcommands = {ExplainNeuronCommand.class, ExplainCostCommand.class})
final class ExplainCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Alone, it lists what it can explain: the full usage, with its subcommands, on the command's own output. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
