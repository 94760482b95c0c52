package dev.backflow.cli;

import dev.backflow.examples.ArticleRounding;
import dev.backflow.examples.SingleNeuron;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The single sigmoid neuron, forward, chain rule and update, with the user's own numbers. */
@Command(name = "neuron", mixinStandardHelpOptions = true,
    description = "One sigmoid neuron with squared error: forward pass, each chain-rule factor, the update.")
final class ExplainNeuronCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--x", description = "input (default: ${DEFAULT-VALUE})") float x = 2f;
  @Option(names = "--w", description = "weight (default: ${DEFAULT-VALUE})") float w = 0.5f;
  @Option(names = "--b", description = "bias (default: ${DEFAULT-VALUE})") float b = 0.1f;
  @Option(names = "--target", description = "target output (default: ${DEFAULT-VALUE})") float target = 1f;
  @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})") float lr = 0.1f;

  @Override
  public Integer call() {
    for (float v : new float[] {x, w, b, target, lr}) {
      if (!Float.isFinite(v)) throw new IllegalArgumentException("every number must be finite, got " + v);
    }
    if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
    PrintWriter out = spec.commandLine().getOut();
    SingleNeuron.Step s = SingleNeuron.run(x, w, b, target, lr);
    out.printf(Locale.ROOT, "One sigmoid neuron: x=%s, w=%s, b=%s, target y=%s, squared error L=(y-ŷ)², lr=%s%n%n",
        fmt(x), fmt(w), fmt(b), fmt(target), fmt(lr));
    out.println("Forward pass");
    out.printf(Locale.ROOT, "  z  = w·x + b        = %s·%s + %s = %.6f%n", fmt(w), fmt(x), fmt(b), s.z());
    out.printf(Locale.ROOT, "  ŷ  = σ(z)           = 1/(1+e^-z) = %.6f%n", s.yHat());
    out.printf(Locale.ROOT, "  L  = (y - ŷ)²       = %.6f%n%n", s.loss());
    out.println("Backward pass (chain rule: ∂L/∂w = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w)");
    out.printf(Locale.ROOT, "  ∂L/∂ŷ = -2(y - ŷ)   = %.6f%n", s.dLdYHat());
    out.printf(Locale.ROOT, "  ∂ŷ/∂z = ŷ(1 - ŷ)    = %.6f%n", s.dYHatdZ());
    out.printf(Locale.ROOT, "  ∂z/∂w = x           = %.6f%n", s.dZdW());
    out.printf(Locale.ROOT, "  ∂L/∂w = %.6f · %.6f · %.6f = %.6f%n", s.dLdYHat(), s.dYHatdZ(), s.dZdW(), s.dLdW());
    out.printf(Locale.ROOT, "  ∂L/∂b = ∂L/∂ŷ · ∂ŷ/∂z · 1 = %.6f%n%n", s.dLdB());
    out.println("Update (gradient descent: w ← w - lr·∂L/∂w)");
    out.printf(Locale.ROOT, "  w: %s - %s·(%.6f) = %.6f%n", fmt(w), fmt(lr), s.dLdW(), s.newW());
    out.printf(Locale.ROOT, "  b: %s - %s·(%.6f) = %.6f%n", fmt(b), fmt(lr), s.dLdB(), s.newB());
    // The article's figures come from rounding ŷ to two decimals before going backward.
    ArticleRounding r = ArticleRounding.of(s);
    out.printf(Locale.ROOT, "%nRounded as many articles show it: with ŷ rounded to %.2f first, ∂L/∂w = %.6g and w → %.6g.%n",
        r.yHat(), r.dLdw(), r.newW());
    out.println("The exact figures above keep every digit of ŷ; rounding early shifts the gradient in the 4th decimal.");
    out.flush();
    return 0;
  }

  private static String fmt(float v) {
    return v == Math.rint(v) && Math.abs(v) < 1e6 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
