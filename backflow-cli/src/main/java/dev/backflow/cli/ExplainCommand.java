package dev.backflow.cli;

import picocli.CommandLine.Command;

/** {@code backflow explain ...}: step-by-step walk-throughs of backpropagation. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain backpropagation: the worked single neuron step by step (neuron), and why it beats finite"
        + " differences, measured (cost).",
    subcommands = {ExplainNeuronCommand.class, ExplainCostCommand.class})
final class ExplainCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }
}
