package dev.backflow.cli;

import dev.backflow.autograd.Autograd;
import dev.backflow.examples.XorNetwork;
import dev.backflow.tensor.Tensor;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains the 2-2-1 sigmoid XOR network and prints its predictions. */
@Command(name = "xor", mixinStandardHelpOptions = true,
    description = "Train the 2-2-1 sigmoid network on XOR (full batch, squared error) and print the predictions.")
final class XorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--seed", description = "weight initialization seed (default: ${DEFAULT-VALUE})")
  long seed = 0;

  @Option(names = "--epochs", description = "full-batch gradient steps (default: ${DEFAULT-VALUE})")
  int epochs = 10_000;

  @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
  float lr = 0.5f;

  @Option(names = "--by-hand", description = "use the hand-written backward pass instead of autograd")
  boolean byHand;

  @Override
  public Integer call() {
    if (epochs < 0) throw new IllegalArgumentException("--epochs must be 0 or more, got " + epochs);
    if (!(lr > 0) || !Float.isFinite(lr)) throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
    PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    XorNetwork net = XorNetwork.initialize(seed);
    out.printf(Locale.ROOT, "XOR 2-2-1 sigmoid network, seed %d, lr %s, %d epochs, %s%n", seed, lr, epochs,
        byHand ? "hand-written backward" : "autograd");
    // Which kernels run: the Vector API (SIMD) ones, or the plain-Java twins when the JVM lacks the module.
    String kernels = dev.backflow.backend.Backends.current().name();
    out.println("kernels: " + kernels + (kernels.contains("Vector API") ? ", SIMD" : ", plain Java (this JVM lacks jdk.incubator.vector)"));
    long start = System.nanoTime();
    int report = Math.max(1, epochs / 5);
    for (int e = 1; e <= epochs; e++) {
      float loss = byHand ? net.stepByHand(lr) : net.stepWithAutograd(lr);
      if (e == 1 || e % report == 0) out.printf(Locale.ROOT, "  epoch %6d  loss %.6f%n", e, loss);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "trained in %.2f s (%.0f steps/s)%n%n", seconds, epochs / Math.max(seconds, 1e-9));
    Tensor predictions;
    try (var g = Autograd.noGrad()) {
      predictions = net.forward(XorNetwork.INPUTS);
    }
    out.println("  x1  x2  target  prediction");
    for (int i = 0; i < 4; i++) {
      out.printf(Locale.ROOT, "  %2.0f  %2.0f  %6.0f  %10.4f%n", XorNetwork.INPUTS.get(i, 0), XorNetwork.INPUTS.get(i, 1),
          XorNetwork.TARGETS.get(i, 0), predictions.get(i, 0));
    }
    out.println(net.converged(0.1f) ? "\nconverged: every prediction is within 0.1 of its target"
        : "\nnot converged: some prediction is more than 0.1 from its target (try another --seed or more --epochs)");
    out.flush();
    return 0;
  }
}
